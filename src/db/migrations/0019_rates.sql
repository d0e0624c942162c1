-- Currency rates (issue 16): the rates in use, US dollars per unit of each currency, and where
-- each came from ('config' for `[currency]` in uzmat.toml, else the address `rates_url` was
-- fetched from, without its query). Seeded from the configuration at start; the `RefreshRates`
-- job replaces all four in one transaction. The dollar is 1 and has no row.
CREATE TABLE currency_rates (
    currency     TEXT PRIMARY KEY CHECK (currency IN ('KZT', 'UZS', 'RUB', 'BYN')),
    usd_per_unit REAL NOT NULL CHECK (usd_per_unit > 0),
    source       TEXT NOT NULL,
    updated_at   INTEGER NOT NULL
) WITHOUT ROWID;
