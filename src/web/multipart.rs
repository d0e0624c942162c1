//! Multipart forms (ad posting): text fields, repeated fields and files, with the CSRF check.

use std::collections::HashMap;

use axum::extract::{FromRequest, Multipart, Request};

use super::AppState;
use super::csrf;
use super::error::Error;

/// A checked multipart form.
#[derive(Debug, Default)]
pub struct MultipartForm {
    /// The last value of each text field.
    pub fields: HashMap<String, String>,
    /// Every text field in order (for repeated names).
    pub all: Vec<(String, String)>,
    /// Uploaded files of the given field: (file name, bytes); `None` bytes = over the size limit.
    pub files: Vec<(String, Option<Vec<u8>>)>,
    /// More files came than the form takes: those beyond were not kept (nor decoded).
    pub too_many_files: bool,
}

impl MultipartForm {
    /// Every value of a repeated field.
    pub fn values(&self, name: &str) -> Vec<&str> {
        self.all.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }
}

/// What a multipart form may carry.
#[derive(Debug, Clone, Copy)]
pub struct FileRules<'a> {
    /// The field files come in.
    pub field: &'a str,
    /// Largest file, in bytes (larger ones are kept as `None` so the form can say which).
    pub max_bytes: usize,
    /// Most files kept; beyond them the rest of the stream is read without storing.
    pub max_files: usize,
}

/// Reads a multipart request under `rules`, refuses control characters in text fields, then
/// verifies the CSRF token.
pub async fn read(
    state: &AppState,
    req: Request,
    rules: FileRules<'_>,
) -> Result<MultipartForm, Error> {
    let (parts, body) = req.into_parts();
    let bad = |e: axum::extract::multipart::MultipartError| match e.status() {
        axum::http::StatusCode::PAYLOAD_TOO_LARGE => Error::TooLarge,
        _ if e.body_text().contains("length limit") => Error::TooLarge,
        _ => Error::BadRequest(e.body_text()),
    };
    let mut multipart = Multipart::from_request(Request::from_parts(parts.clone(), body), state)
        .await
        .map_err(|e| Error::BadRequest(e.body_text()))?;
    let mut form = MultipartForm::default();
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_owned();
        if name == rules.field {
            let file_name = field.file_name().unwrap_or("").to_owned();
            let mut buf = Vec::new();
            let mut too_big = false;
            // over the count, the part is read to its end and dropped: nothing stored, nothing
            // decoded (the body limit bounds how much is read)
            let keep = form.files.len() < rules.max_files;
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if !keep {
                    form.too_many_files |= !chunk.is_empty();
                    continue;
                }
                if buf.len() + chunk.len() > rules.max_bytes {
                    too_big = true;
                    // keep reading to the end of the part without storing it
                    continue;
                }
                buf.extend_from_slice(&chunk);
            }
            // browsers send an empty part when no file was chosen
            if keep && too_big {
                form.files.push((file_name, None));
            } else if keep && !buf.is_empty() {
                form.files.push((file_name, Some(buf)));
            }
        } else {
            let value = field.text().await.map_err(bad)?;
            if value.len() > 64 * 1024 {
                return Err(Error::BadRequest("field too long".into()));
            }
            super::input::check(&name)?;
            super::input::check(&value)?;
            form.fields.insert(name.clone(), value.clone());
            form.all.push((name, value));
        }
    }
    csrf::verify(&state.key, &parts, form.fields.get(csrf::FIELD).map(String::as_str))?;
    Ok(form)
}
