//! Integration tests: the real app over real HTTP against a temp SQLite file.

#[path = "../support/mod.rs"]
mod support;

mod access;
mod accounts;
mod ad;
mod ads_posting;
mod bad_input;
mod browser_accounts;
mod browser_ads;
mod browser_pages;
mod cli;
mod freight;
mod hardening;
mod home;
mod jobs;
mod listing;
mod lockout;
mod prefs;
mod query_plans;
mod unread;
