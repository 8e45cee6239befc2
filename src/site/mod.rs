//! The plan of output files and the code that fills it: page paths from slugs, views rendered
//! through the theme, media copied, everything handed to the [`output::SiteWriter`].

mod carry;
pub mod digest;
pub mod incremental;
pub mod manifest;
mod media;
pub mod output;
pub mod pages;
mod run_page;
pub mod slug;
pub mod stamp;

use std::path::PathBuf;

use crate::model::Project;
use slug::SlugSet;

/// Where each project and run goes in the site.
#[derive(Debug, Clone)]
pub struct SitePlan {
    pub projects: Vec<ProjectPaths>,
}

#[derive(Debug, Clone)]
pub struct ProjectPaths {
    /// Folder of the project, relative to the site root ("mnist-cnn").
    pub dir: String,
    /// Per run, in project order: the run page's file name without folder ("lr-0.01.html").
    pub runs: Vec<String>,
    /// Per run: the slug used for its media folder and raw-log copy.
    pub run_slugs: Vec<String>,
}

impl ProjectPaths {
    /// A run page relative to the site root.
    pub fn run_page(&self, run: usize) -> String {
        format!("{}/runs/{}", self.dir, self.runs[run])
    }
}

/// Assigns every project and run a unique, safe path. Projects and runs are already sorted, so
/// the suffixes that break ties are deterministic.
pub fn plan_site(projects: &[Project]) -> SitePlan {
    let mut project_slugs = SlugSet::new();
    let projects = projects
        .iter()
        .map(|project| {
            let dir = project_slugs.assign(&project.name, "project");
            let mut run_slugs = SlugSet::new();
            let slugs: Vec<String> = project
                .runs
                .iter()
                .map(|run| run_slugs.assign(&run.name, "run"))
                .collect();
            ProjectPaths {
                dir,
                runs: slugs.iter().map(|s| format!("{s}.html")).collect(),
                run_slugs: slugs,
            }
        })
        .collect();
    SitePlan { projects }
}

/// Options that shape the pages.
#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    pub base_url: Option<String>,
    pub theme: Option<PathBuf>,
    /// Copy each raw log into the site and link it from the run page.
    pub copy_raw_logs: bool,
    /// Warnings of the whole build, shown on the index page as a count.
    pub warnings: usize,
}
