//! Pure maud functions: the layout, reusable fragments and one module per page. No I/O, and
//! nothing from `web`: pages get plain data and a [`ctx::PageCtx`].

pub mod assets;
pub mod cities;
pub mod components;
pub mod ctx;
pub mod forms;
pub mod layout;
pub mod pages;
pub mod text;
