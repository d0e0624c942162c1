//! Pure maud functions: the layout, reusable fragments and one module per page. No I/O.

pub mod components;
pub mod forms;
pub mod layout;
pub mod pages;
pub mod text;
