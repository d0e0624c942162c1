//! Chats in two real browsers (written next).
