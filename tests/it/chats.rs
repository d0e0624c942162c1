//! Chats over HTTP and WebSocket against the real app.
