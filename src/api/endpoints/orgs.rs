//! Organizations, projects, project keys and environments.
//!
//! Contract: `GET /api/0/organizations/`, `GET /api/0/organizations/{org}/projects/`,
//! `GET /api/0/projects/{org}/{project}/keys/`, `GET /api/0/organizations/{org}/environments/`,
//! and `GET /api/0/` for who the token belongs to.
//! Paginated lists take an optional cursor and return `Page<T>`.

use crate::api::client::Client;
use crate::api::error::Error;
use crate::api::models::{Environment, Organization, Project, ProjectKey};
use crate::api::page::Page;

fn cursor_query(cursor: Option<&str>) -> Vec<(&'static str, String)> {
    cursor.filter(|c| !c.is_empty()).map(|c| vec![("cursor", c.to_owned())]).unwrap_or_default()
}

impl Client {
    /// Organizations visible to the token (user tokens see all of theirs; org tokens only one).
    pub async fn list_organizations(&self, cursor: Option<&str>) -> Result<Page<Organization>, Error> {
        self.get_page(self.api_url(&["organizations"], &cursor_query(cursor))).await
    }

    /// Projects of the client's organization.
    pub async fn list_projects(&self, cursor: Option<&str>) -> Result<Page<Project>, Error> {
        self.get_page(self.org_url(&["projects"], &cursor_query(cursor))).await
    }

    /// Client keys (DSNs) of a project (slug or id).
    pub async fn list_project_keys(&self, project: &str, cursor: Option<&str>) -> Result<Page<ProjectKey>, Error> {
        let url = self.api_url(&["projects", self.org.as_str(), project, "keys"], &cursor_query(cursor));
        self.get_page(url).await
    }

    /// Who the token belongs to (`GET /api/0/`): the user's (id, name), or `None` for tokens
    /// without a user (org tokens) and servers that do not say.
    pub async fn whoami(&self) -> Result<Option<(String, String)>, Error> {
        let root: serde_json::Value = self.get_json(self.api_url(&[], &[])).await?;
        let user = root.get("user").filter(|u| u.is_object());
        Ok(user.and_then(|u| {
            let id = match u.get("id")? {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let name = ["name", "username", "email"]
                .iter()
                .find_map(|k| u.get(*k).and_then(serde_json::Value::as_str).filter(|s| !s.is_empty()))
                .unwrap_or(id.as_str())
                .to_string();
            Some((id, name))
        }))
    }

    /// Visible environments of the organization.
    pub async fn list_environments(&self) -> Result<Vec<Environment>, Error> {
        self.get_json(self.org_url(&["environments"], &[])).await
    }
}
