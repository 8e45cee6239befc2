//! The index page's view: one card per project, built from the projects, their summaries and
//! the site's paths; pure, no I/O.

use super::figures;
use super::project_page::best_of;
use super::views::*;
use crate::format;
use crate::model::Project;
use crate::model::detail::Featured;
use crate::model::summary::ProjectSummary;
use crate::paths::SitePaths;

impl IndexView {
    /// The index page's view: a card per project, most recently active first. `featured` holds,
    /// per project, its best run with its details (for the card's sparkline).
    pub fn new(
        projects: &[Project],
        featured: &[Featured],
        summaries: &[ProjectSummary],
        paths: &SitePaths,
        warnings: usize,
        base_url: Option<&str>,
    ) -> IndexView {
        let mut cards: Vec<ProjectCard> = projects
            .iter()
            .zip(featured)
            .zip(summaries)
            .zip(&paths.projects)
            .map(|(((project, featured), summary), paths)| {
                let (best_run, best_value) = best_of(project, summary, |i| paths.run_page(i));
                let last = project
                    .runs
                    .iter()
                    .filter_map(|r| r.last_activity())
                    .reduce(f64::max);
                ProjectCard {
                    name: project.name.clone(),
                    href: format!("{}/index.html", paths.dir),
                    runs: project.runs.len(),
                    statuses: status_views(project),
                    primary_metric: project.primary_metric.clone(),
                    best_value,
                    best_run,
                    last_activity: last.map(format::timestamp),
                    sparkline: figures::project_sparkline(project, featured),
                    last_activity_raw: last.unwrap_or(f64::NEG_INFINITY),
                }
            })
            .collect();
        // Most recent activity first; projects with no times last, by name (already sorted).
        cards.sort_by(|a, b| b.last_activity_raw.total_cmp(&a.last_activity_raw));
        IndexView {
            page: Page::new("Projects", "", "index.html", base_url),
            total_runs: projects.iter().map(|p| p.runs.len()).sum(),
            projects: cards,
            warnings,
        }
    }
}
