//! Form fragments: labelled inputs with their error, the CSRF field.

use std::collections::HashMap;

use maud::{Markup, html};

use crate::domain::accounts::FieldErrors;
use crate::i18n::Lang;
use crate::views::ctx::PageCtx;

/// The hidden CSRF field every POST form carries.
pub fn csrf(ctx: &PageCtx) -> CsrfField<'_> {
    CsrfField(&ctx.csrf)
}

/// The hidden CSRF field for a token, written straight into the page.
pub struct CsrfField<'a>(pub &'a str);

impl maud::Render for CsrfField<'_> {
    fn render_to(&self, buffer: &mut String) {
        buffer.push_str(r#"<input type="hidden" name="csrf_token" value=""#);
        crate::views::text::escape_into(self.0, buffer);
        buffer.push_str(r#"">"#);
    }
}

/// What a form shows: the values typed and the errors per field.
#[derive(Debug, Default, Clone)]
pub struct FormState {
    /// Values by field name.
    pub values: HashMap<String, String>,
    /// Errors by field name.
    pub errors: FieldErrors,
    /// An error about the whole form (message key).
    pub general: Option<&'static str>,
}

impl FormState {
    /// A field's value, or "".
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }
}

/// One labelled input. `kind` is the input type; `autocomplete` helps password managers.
pub fn field(
    lang: Lang,
    form: &FormState,
    name: &'static str,
    label_key: &'static str,
    kind: &str,
    autocomplete: &str,
    required: bool,
) -> Markup {
    let error = form.errors.get(name);
    let id = format!("f-{name}");
    // passwords are never sent back into the page
    let value = if kind == "password" { "" } else { form.value(name) };
    html! {
        div.field.has-error[error.is_some()] {
            label for=(id) { (lang.t(label_key)) @if required { " " span.req aria-hidden="true" { "*" } } }
            input id=(id) type=(kind) name=(name) value=(value) autocomplete=(autocomplete)
                required[required] aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| error_id(name))];
            (field_error(lang, name, error))
        }
    }
}

/// The id of a field's error text (`f-<name>-error`): what its control's `aria-describedby`
/// names, so a screen reader reads the error with the field.
pub fn error_id(name: &str) -> String {
    format!("f-{name}-error")
}

/// A field's error under it, if any, with the id from [`error_id`]. Its control carries
/// `aria-invalid` and `aria-describedby`; app.js focuses the page's first invalid control.
pub fn field_error(lang: Lang, name: &str, error: Option<&'static str>) -> Markup {
    html! {
        @if let Some(e) = error {
            p.field-error id=(error_id(name)) data-field=(name) { (lang.t(e)) }
        }
    }
}

/// The whole-form error, if any.
pub fn general_error(lang: Lang, form: &FormState) -> Markup {
    html! {
        @if let Some(key) = form.general {
            p.form-error role="alert" { (lang.t(key)) }
        }
    }
}

#[cfg(test)]
mod csrf_field_tests {
    use super::CsrfField;
    use maud::html;

    #[test]
    fn csrf_field_is_the_hidden_input_maud_would_write() {
        for token in ["XTjiWymeEAHbXnkNGWSX47s8cQfBy1uf-EaUDyvqayQ", "a\"b<c>&d", ""] {
            let ours = html! { (CsrfField(token)) }.into_string();
            let maud = html! { input type="hidden" name="csrf_token" value=(token); }.into_string();
            assert_eq!(ours, maud);
        }
    }
}
