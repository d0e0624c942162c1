//! One module per page.

pub mod account;
pub mod ad;
pub mod admin;
pub mod auth;
pub mod error;
pub mod home;
pub mod listing;
pub mod seller;
pub mod static_pages;
