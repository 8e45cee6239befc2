//! Where each project and run goes in the site: page paths relative to the site root, assigned
//! once from the project and run names (in their sorted order, so the suffixes that break ties
//! are deterministic). A leaf: the summary's links, the views, the plan and the exports all read
//! the same [`SitePaths`].

use crate::slug::SlugSet;

/// Where each project and run goes in the site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SitePaths {
    pub projects: Vec<ProjectPaths>,
}

/// The paths of one project and its runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectPaths {
    /// Folder of the project, relative to the site root ("mnist-cnn").
    pub dir: String,
    /// Per run, in project order: the run page's file name without folder ("lr-0.01.html").
    pub runs: Vec<String>,
    /// Per run: the slug used for its media folder and raw-log copy.
    pub run_slugs: Vec<String>,
}

impl ProjectPaths {
    /// Assigns the paths of one project among others already assigned in `project_slugs`.
    pub fn assign<'a>(
        project_slugs: &mut SlugSet,
        project: &str,
        runs: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let dir = project_slugs.assign(project, "project");
        let mut run_slugs = SlugSet::new();
        let slugs: Vec<String> = runs
            .into_iter()
            .map(|run| run_slugs.assign(run, "run"))
            .collect();
        ProjectPaths {
            dir,
            runs: slugs.iter().map(|s| format!("{s}.html")).collect(),
            run_slugs: slugs,
        }
    }

    /// A run page relative to the site root.
    pub fn run_page(&self, run: usize) -> String {
        format!("{}/runs/{}", self.dir, self.runs[run])
    }

    /// The project page relative to the site root.
    pub fn project_page(&self) -> String {
        format!("{}/index.html", self.dir)
    }
}

impl SitePaths {
    /// Assigns every project and run a unique, safe path; `projects` gives each project's name
    /// with its runs' names, in the order of the model.
    pub fn assign<'a, R>(projects: impl IntoIterator<Item = (&'a str, R)>) -> Self
    where
        R: IntoIterator<Item = &'a str>,
    {
        let mut project_slugs = SlugSet::new();
        let projects = projects
            .into_iter()
            .map(|(name, runs)| ProjectPaths::assign(&mut project_slugs, name, runs))
            .collect();
        SitePaths { projects }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_slug_alike_get_suffixes_in_order() {
        let paths = SitePaths::assign([("MNIST", vec!["lr=0.1", "LR=0.1"]), ("mnist", vec!["a"])]);
        assert_eq!(paths.projects[0].dir, "mnist");
        assert_eq!(paths.projects[1].dir, "mnist-2");
        assert_eq!(paths.projects[0].runs, ["lr-0.1.html", "lr-0.1-2.html"]);
        assert_eq!(paths.projects[0].run_page(1), "mnist/runs/lr-0.1-2.html");
        assert_eq!(paths.projects[1].project_page(), "mnist-2/index.html");
    }
}
