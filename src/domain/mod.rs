//! Nouns and rules of the marketplace, free of HTTP and HTML.

pub mod ads;
pub mod geo;
pub mod slug;
pub mod users;
