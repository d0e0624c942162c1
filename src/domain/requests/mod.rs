//! Rental requests (issue 16): a buyer's "need an excavator in Tashkent, 3 days from 5 May",
//! answered by owners of matching rent ads with quotes.

pub mod notify;
