//! Integration tests: the real app over real HTTP against a temp SQLite file.

#[path = "../support/mod.rs"]
mod support;

mod access;
mod accounts;
mod accounts_polish;
mod ad;
mod ads_posting;
mod alerts;
mod bad_input;
mod browser_a11y;
mod browser_accounts;
mod browser_ads;
mod browser_alerts;
mod browser_chats;
mod browser_console;
mod browser_finding;
mod browser_languages;
mod browser_money;
mod browser_my_ads;
mod browser_pages;
mod chats;
mod cli;
mod click;
mod corpus;
mod crash;
mod domain_actions;
mod errors;
mod finding;
mod freight;
mod hardening;
mod home;
mod i18n;
mod jobs;
mod languages;
mod layers;
mod listing;
mod lockout;
mod moderation;
mod prefs;
mod query_plans;
mod read_only;
mod requests;
mod slow_clients;
mod telegram;
mod unread;
