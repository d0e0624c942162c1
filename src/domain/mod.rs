//! Nouns and rules of the marketplace, free of HTTP and HTML.

pub mod accounts;
pub mod ads;
pub mod freight;
pub mod geo;
pub mod mail;
pub mod media;
pub mod photos;
pub mod secrets;
pub mod sessions;
pub mod slug;
pub mod tokens;
pub mod users;
