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
mod browser_chats;
mod browser_console;
mod browser_finding;
mod browser_money;
mod browser_pages;
mod browser_stats;
mod chats;
mod cli;
mod click;
mod corpus;
mod crash;
mod domain_actions;
mod duplicates;
mod errors;
mod finding;
mod freight;
mod hardening;
mod home;
mod i18n;
mod jobs;
mod layers;
mod listing;
mod lockout;
mod moderation;
mod prefs;
mod query_plans;
mod read_only;
mod slow_clients;
mod stats;
mod telegram;
mod unread;
