//! The native format's media records: images, GIFs, SVG, HTML and text, as files beside the log
//! (never outside its folder) or inline.

use super::*;

impl RunBuilder {
    pub(super) fn add_media_record(&mut self, line: u64, record: RawRecord<'_>) {
        let mut fields: BTreeMap<String, Value> = BTreeMap::new();
        let mut step = None;
        for (key, raw) in &record.fields {
            if key == "step" {
                step = Some(raw_scalar(raw));
            } else {
                fields.insert(key.to_string(), raw_json(raw));
            }
        }
        let step = step.map(|s| self.take_step(line, Some(s)));
        let text = |k: &str| fields.get(k).and_then(nonempty_text);
        let kind = match text("kind").as_deref() {
            Some("image") => MediaKind::Image,
            Some("gif") => MediaKind::Gif,
            Some("svg") => MediaKind::Svg,
            Some("html") => MediaKind::Html,
            Some("text") => MediaKind::Text,
            other => {
                let message = format!(
                    "media kind {} is not one of image, gif, svg, html, text; skipped",
                    quote(other.unwrap_or(""))
                );
                self.warn("bad-media", line, message);
                return;
            }
        };
        let source = if let Some(path) = text("path") {
            match resolve_inside(&self.folder, &path) {
                Some(full) => MediaSource::File(full),
                None => {
                    let message = format!(
                        "media path {} leaves the log's folder; skipped",
                        quote(&path)
                    );
                    self.warn("media-path", line, message);
                    return;
                }
            }
        } else if let Some(content) = fields.get("content").and_then(|v| v.as_str()) {
            MediaSource::Inline(content.to_owned())
        } else {
            self.warn(
                "bad-media",
                line,
                "media record has neither 'path' nor 'content'; skipped",
            );
            return;
        };
        for key in fields.keys() {
            if !matches!(
                key.as_str(),
                "name" | "kind" | "path" | "content" | "title" | "description"
            ) {
                *self
                    .unknown_fields
                    .entry(format!("media.{key}"))
                    .or_default() += 1;
            }
        }
        let name = text("name")
            .or_else(|| text("title"))
            .unwrap_or_else(|| "media".to_owned());
        self.media.push(Media {
            step,
            name,
            kind,
            source,
            title: text("title"),
            description: text("description"),
        });
    }
}

/// Joins a relative media path onto the log's folder, refusing absolute paths and any `..` or
/// prefix that could leave it. Symbolic links are checked when the file is read.
pub fn resolve_inside(folder: &Path, relative: &str) -> Option<PathBuf> {
    let candidate = Path::new(relative);
    let mut out = folder.to_path_buf();
    let mut depth = 0usize;
    for component in candidate.components() {
        match component {
            Component::Normal(part) => {
                out.push(part);
                depth += 1;
            }
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (depth > 0 && !relative.contains('\\')).then_some(out)
}
