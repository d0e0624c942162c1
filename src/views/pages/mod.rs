//! One module per page.

pub mod ad;
pub mod error;
pub mod home;
pub mod listing;
pub mod seller;
pub mod static_pages;
