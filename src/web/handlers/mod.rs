//! Request handlers, one file per area: GET renders a page, POST answers with 303.

pub mod account;
pub mod ad;
pub mod admin;
pub mod auth;
pub mod home;
pub mod listing;
pub mod media;
pub mod pages;
pub mod prefs;
pub mod seller;
pub mod system;
