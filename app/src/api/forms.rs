//! Reading forms in server functions: admin forms' text fields (amounts,
//! percentages, limits) with every bad one named at once, and multipart
//! uploads read with limits.

use crate::error::AppError;

/// An admin form's text fields read for a server function: each bad one is
/// noted with its message, and all of them are answered at once as field
/// errors.
#[derive(Default)]
pub struct FormFields {
    errors: Vec<(String, String)>,
}

impl FormFields {
    /// An amount typed in `currency`'s unit (`4.95`, `1200` for yen) in minor
    /// units; `empty` when nothing was typed, none when it is not an amount.
    pub fn amount(
        &mut self,
        field: &str,
        text: &str,
        currency: &str,
        empty: Option<i64>,
        example: &str,
    ) -> Option<i64> {
        let text = text.trim();
        if text.is_empty() {
            return empty;
        }
        // The one way amounts are read (the product editor's too).
        match entities::kernel::parse_price(text, &currency.trim().to_ascii_uppercase()) {
            Ok(minor) => Some(minor),
            Err(_) => {
                self.errors.push((field.into(), format!("must be an amount such as {example}")));
                None
            }
        }
    }

    /// [`FormFields::amount`] that must be given.
    pub fn required_amount(&mut self, field: &str, text: &str, currency: &str, example: &str) -> Option<i64> {
        if text.trim().is_empty() {
            self.errors.push((field.into(), format!("must be an amount such as {example}")));
            return None;
        }
        self.amount(field, text, currency, None, example)
    }

    /// A percentage (`15`, `12.5`, `5,5`) within `allowed`, in basis points
    /// (0 when it is not one).
    pub fn percent(&mut self, field: &str, text: &str, allowed: impl std::ops::RangeBounds<f64>, message: &str) -> i64 {
        match text.trim().replace(',', ".").parse::<f64>() {
            Ok(p) if p.is_finite() && allowed.contains(&p) => (p * 100.0).round() as i64,
            _ => {
                self.errors.push((field.into(), message.into()));
                0
            }
        }
    }

    /// A whole number; none when nothing was typed.
    pub fn whole(&mut self, field: &str, text: &str) -> Option<i32> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        text.parse::<i32>().map_or_else(
            |_| {
                self.errors.push((field.into(), "must be a whole number (empty: no limit)".into()));
                None
            },
            Some,
        )
    }

    /// The field errors noted, if any (with the response's status set).
    pub fn done(self) -> Result<(), AppError> {
        if self.errors.is_empty() {
            return Ok(());
        }
        Err(AppError::Fields(self.errors))
    }
}

/// A multipart form read into memory: its text fields and the files of
/// field `file_field` (name, bytes). Stops with a field message at more
/// than `max_files` files or a file over the upload limit.
pub struct Form {
    pub texts: Vec<(String, String)>,
    pub files: Vec<(String, Vec<u8>)>,
}

impl Form {
    pub fn text(&self, name: &str) -> Option<String> {
        self.texts.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    }
}

pub async fn read_form(
    data: leptos::server_fn::codec::MultipartData,
    file_field: &str,
    max_files: usize,
    limit: usize,
) -> Result<Form, AppError> {
    let invalid = |message: String| AppError::Fields(vec![(file_field.to_owned(), message)]);
    let mut multipart = data.into_inner().ok_or_else(|| invalid("is not a form upload".into()))?;
    let mut form = Form { texts: Vec::new(), files: Vec::new() };
    while let Some(mut field) = multipart.next_field().await.map_err(|e| invalid(e.to_string()))? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field {
            if form.files.len() >= max_files {
                return Err(invalid(format!("at most {max_files} files at once")));
            }
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|e| invalid(e.to_string()))? {
                if bytes.len() + chunk.len() > limit {
                    return Err(invalid(format!("{file_name} is larger than {} MB", limit / (1024 * 1024))));
                }
                bytes.extend_from_slice(&chunk);
            }
            form.files.push((file_name, bytes));
        } else {
            form.texts.push((name, field.text().await.map_err(|e| invalid(e.to_string()))?));
        }
    }
    Ok(form)
}
