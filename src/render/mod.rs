//! Rendering: the Tera environment and the view structs that templates see. Templates never see
//! model types; every value from a log reaches HTML through Tera's autoescaping, except Markdown
//! and HTML media, which pass through [`markdown`]'s sanitizer first.

pub mod ascii;
pub mod columns;
#[cfg(test)]
mod contract;
pub mod figures;
pub mod index_page;
pub mod markdown;
pub mod media;
pub mod project_data;
pub mod project_page;
pub mod run_page;
pub mod theme;
pub mod views;

use serde::Serialize;

use crate::error::{Error, Result};
use theme::Theme;

/// A Tera environment loaded with the theme's templates.
pub struct Renderer {
    tera: tera::Tera,
}

impl Renderer {
    pub fn new(theme: &Theme) -> Result<Self> {
        let mut tera = tera::Tera::new();
        let templates: Vec<(String, String)> = theme
            .files()?
            .into_iter()
            .filter_map(|(path, content)| {
                path.strip_prefix("templates/")
                    .map(|name| (name.to_owned(), content))
            })
            .collect();
        tera.add_raw_templates(templates)
            .map_err(|e| Error::Template {
                name: "theme".to_owned(),
                message: describe(&e),
            })?;
        Ok(Renderer { tera })
    }

    /// Renders `template` with a view struct as its context, in ASCII ([`ascii::ascii_html`]).
    pub fn render<V: Serialize>(&self, template: &str, view: &V) -> Result<String> {
        let context = tera::Context::from_serialize(view).map_err(|e| Error::Template {
            name: template.to_owned(),
            message: describe(&e),
        })?;
        self.tera
            .render(template, &context)
            .map(ascii::ascii_html)
            .map_err(|e| Error::Template {
                name: template.to_owned(),
                message: describe(&e),
            })
    }
}

fn describe(error: &tera::Error) -> String {
    use std::error::Error as _;
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}
