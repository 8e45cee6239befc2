//! The whole static site as one zip, for supplementary material. Entries are sorted by path,
//! carry a fixed timestamp (1980-01-01, zip's epoch) and fixed permissions, and are deflated
//! with one fixed level, so the same site always gives the same bytes.

use std::fs;
use std::io::{BufWriter, Read, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::error::{Error, Result};
use crate::log::walk::SITE_MARKER;
use crate::site::output::absolute;

/// Zips every file under `site` into `archive` (written to a temporary file, then renamed).
/// ahnb's own marker file is left out. Returns the number of files archived.
pub fn write_archive(site: &Path, archive: &Path) -> Result<usize> {
    if absolute(archive).starts_with(absolute(site)) {
        return Err(Error::UnsafeExport {
            path: archive.to_path_buf(),
            reason: "it is inside the site, which would then contain itself".to_owned(),
        });
    }
    let mut files: Vec<(String, std::path::PathBuf)> = Vec::new();
    for entry in walkdir::WalkDir::new(site).follow_links(false) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(site).to_path_buf();
            Error::read(path, e.into())
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(site)
            .expect("walkdir yields paths under its root")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if relative == SITE_MARKER {
            continue;
        }
        files.push((relative, entry.path().to_path_buf()));
    }
    files.sort();

    if let Some(parent) = archive.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
    }
    let name = archive
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site.zip".to_owned());
    let temporary = archive.with_file_name(format!(".{name}.ahnb-tmp-{}", std::process::id()));
    let result = write_zip(&temporary, &files);
    if let Err(error) = result {
        let _ = fs::remove_file(&temporary);
        return Err(error);
    }
    fs::rename(&temporary, archive).map_err(|e| Error::write(archive, e))?;
    Ok(files.len())
}

fn write_zip(path: &Path, files: &[(String, std::path::PathBuf)]) -> Result<()> {
    let file = fs::File::create(path).map_err(|e| Error::write(path, e))?;
    let mut zip = ZipWriter::new(BufWriter::new(file));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut buffer = Vec::new();
    for (relative, source) in files {
        buffer.clear();
        fs::File::open(source)
            .and_then(|mut f| f.read_to_end(&mut buffer))
            .map_err(|e| Error::read(source, e))?;
        let options = options.large_file(buffer.len() as u64 >= u32::MAX as u64);
        zip.start_file(relative.as_str(), options)
            .map_err(|e| Error::write(path, e.into()))?;
        zip.write_all(&buffer).map_err(|e| Error::write(path, e))?;
    }
    let mut writer = zip.finish().map_err(|e| Error::write(path, e.into()))?;
    writer.flush().map_err(|e| Error::write(path, e))
}
