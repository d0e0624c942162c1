//! Nouns and rules of the marketplace, free of HTTP and HTML.

pub mod accounts;
pub mod admin;
pub mod ads;
pub mod alerts;
pub mod audit;
pub mod badges;
pub mod broadcast;
pub mod chats;
pub mod freight;
pub mod geo;
pub mod ids;
pub mod mail;
pub mod media;
pub mod moderation;
pub mod payments;
pub mod photos;
pub mod promotions;
pub mod rates;
pub mod requests;
pub mod secrets;
pub mod sessions;
pub mod slug;
pub mod stats;
pub mod stopwords;
pub mod telegram;
pub mod tokens;
pub mod users;

/// Why an action was refused: the rule of who may do it said no.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// No such thing for this user (deleted, or hidden from them).
    NotFound,
    /// It is there, but not theirs to change.
    Forbidden,
}
