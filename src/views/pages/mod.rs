//! One module per page.

pub mod account;
pub mod ad;
pub mod ad_form;
pub mod admin;
pub mod auth;
pub mod badge;
pub mod chats;
pub mod error;
pub mod freight;
pub mod home;
pub mod listing;
pub mod my_ads;
pub mod payments;
pub mod rates;
pub mod requests;
pub mod search;
pub mod searches;
pub mod seller;
pub mod static_pages;
pub mod stats;
