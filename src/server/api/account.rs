//! Who the token acts for, and the organization's one implicit team. sift has a single local
//! user and no teams of its own, so every organization answers as Sentry does for an
//! organization that has exactly one team, named after it (Sentry creates such a default team
//! with every new organization): the team holds all of the organization's projects and its one
//! member, the local user. `GET /api/0/auth/` is that user (and `users/me/regions/` this one
//! server); `…/teams/`, `…/user-teams/`,
//! `/teams/{org}/{team}/`, its projects and `projects/{org}/{project}/teams/` are the team;
//! `POST /teams/{org}/{team}/projects/` creates a project (with its own DSN key) through the
//! writer. A team slug other than the organization's is unknown (404).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::catalog::{SCOPES, full_list, project_json, project_of, projects_json};
use super::issue_json::iso;
use super::{PathArgs, both, json_response, org_named};
use crate::server::{ApiError, AppState};
use crate::store::StoreError;
use crate::store::catalog::{self as cat, Org};
use crate::store::issues::LOCAL_USER;
use crate::store::notes::{self as store_notes, User};
use crate::store::projects as store_projects;

type Api = axum::Router<Arc<AppState>>;

/// The routes of this module.
pub fn routes(mut api: Api) -> Api {
    let o = "/api/0/organizations/{org}";
    api = both(api, "/api/0/auth/", get(auth));
    api = both(api, "/api/0/users/me/regions/", get(regions));
    api = both(api, &format!("{o}/teams/"), get(teams));
    api = both(api, &format!("{o}/user-teams/"), get(teams));
    api = both(api, "/api/0/teams/{org}/{team}/", get(team));
    api = both(api, "/api/0/teams/{org}/{team}/projects/", get(team_projects).post(create_project));
    both(api, "/api/0/projects/{org}/{project}/teams/", get(project_teams))
}

/// A user as Sentry serializes one for its owner. `email` is a string as in Sentry (empty when
/// the user has none): sentry-cli's `info` refuses a null.
pub fn user_json(user: &User) -> Value {
    json!({
        "id": user.id.to_string(),
        "name": user.name,
        "username": user.username,
        "email": user.email.clone().unwrap_or_default(),
        "avatarUrl": null,
        "isActive": true,
        "hasPasswordAuth": false,
        "isManaged": false,
        "has2fa": false,
        "isSuperuser": false,
        "isStaff": false,
        "lastLogin": null,
        "lastActive": null,
        "experiments": {},
        "emails": user.email.iter().map(|e| json!({ "id": "1", "email": e, "is_verified": true })).collect::<Vec<_>>(),
        "avatar": { "avatarType": "letter_avatar", "avatarUuid": null },
    })
}

/// `GET /api/0/auth/`: the user the token acts for.
async fn auth(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let user = state
        .store
        .read(|conn| store_notes::user(conn, LOCAL_USER)?.ok_or_else(|| StoreError::NotFound("user".into())))
        .await?;
    Ok(json_response(user_json(&user), vec![]))
}

/// `GET /api/0/users/me/regions/`: one region, this server at its public URL (the `sentry` CLI
/// asks before it stores a login, then lists organizations there).
async fn regions(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let base = state.store.read(crate::store::projects::public_url).await?;
    Ok(json_response(json!({ "regions": [{ "name": "default", "url": base }] }), vec![]))
}

/// The short form of the implicit team that projects carry in `team` and `teams`.
pub fn team_ref(org: &Org) -> Value {
    json!({ "id": org.id.to_string(), "slug": org.slug, "name": org.name })
}

/// The implicit team in full, with its projects when given.
fn team_json(org: &Org, projects: Option<Vec<Value>>) -> Value {
    let mut team = json!({
        "id": org.id.to_string(),
        "slug": org.slug,
        "name": org.name,
        "dateCreated": iso(org.date_created),
        "isMember": true,
        "teamRole": "admin",
        "flags": { "idp:provisioned": false },
        "access": SCOPES,
        "hasAccess": true,
        "isPending": false,
        "memberCount": 1,
        "avatar": { "avatarType": "letter_avatar", "avatarUuid": null, "avatarUrl": null },
        "externalTeams": [],
    });
    if let (Some(object), Some(projects)) = (team.as_object_mut(), projects) {
        object.insert("projects".into(), Value::Array(projects));
    }
    team
}

/// The organization of the path, when its `team` names the implicit team (by slug or id).
fn team_of(conn: &rusqlite::Connection, path: &HashMap<String, String>) -> Result<Org, StoreError> {
    let org = org_named(conn, path)?;
    let team = path.get("team").map(String::as_str).unwrap_or_default();
    if team == org.slug || team == org.id.to_string() {
        Ok(org)
    } else {
        Err(StoreError::NotFound(format!("team {team}")))
    }
}

/// `GET …/teams/` and `…/user-teams/`: the one team, with its projects unless `detailed=0`.
async fn teams(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let params = super::params::Params::from_uri(&uri);
    let detailed = params.get("detailed") != Some("0");
    let query = params.get("query").unwrap_or_default().to_lowercase();
    let items = state
        .store
        .read(move |conn| {
            let org = org_named(conn, &path)?;
            let matches = query.is_empty()
                || query.split_whitespace().all(|word| {
                    let word = word.strip_prefix("slug:").unwrap_or(word);
                    org.slug.contains(word) || org.name.to_lowercase().contains(word)
                });
            if !matches {
                return Ok(Vec::new());
            }
            let projects = if detailed { Some(projects_json(conn, Some(org.id))?) } else { None };
            Ok(vec![team_json(&org, projects)])
        })
        .await?;
    Ok(full_list(items, &uri, &headers))
}

/// `GET /api/0/teams/{org}/{team}/`.
async fn team(State(state): State<Arc<AppState>>, path: PathArgs) -> Result<Response, ApiError> {
    let value = state.store.read(move |conn| Ok(team_json(&team_of(conn, &path)?, None))).await?;
    Ok(json_response(value, vec![]))
}

/// `GET /api/0/teams/{org}/{team}/projects/`: every project of the organization.
async fn team_projects(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let items = state.store.read(move |conn| projects_json(conn, Some(team_of(conn, &path)?.id))).await?;
    Ok(full_list(items, &uri, &headers))
}

/// `GET /api/0/projects/{org}/{project}/teams/`: the implicit team.
async fn project_teams(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let items = state.store.read(move |conn| Ok(vec![team_json(&project_of(conn, &path)?.0, None)])).await?;
    Ok(full_list(items, &uri, &headers))
}

/// Sentry's slug of a project name: lowercase, runs of anything but letters, digits, `-` and
/// `_` become one `-`, trimmed, at most 50 characters.
fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_matches('-').chars().take(50).collect::<String>().trim_end_matches('-').to_string()
}

/// What `POST /teams/{org}/{team}/projects/` reads.
struct NewProject {
    name: String,
    slug: String,
    platform: Option<String>,
}

fn new_project(body: &Value) -> Result<NewProject, ApiError> {
    let object = body.as_object().ok_or_else(|| ApiError::bad_request("The body must be a JSON object"))?;
    let text = |key: &str| -> Result<Option<String>, ApiError> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(_) => Err(ApiError::bad_request(format!("{key}: must be a string"))),
        }
    };
    let name = text("name")?.ok_or_else(|| ApiError::bad_request("name: This field is required."))?;
    if name.chars().count() > 50 {
        return Err(ApiError::bad_request("name: Ensure this field has no more than 50 characters."));
    }
    let slug = text("slug")?.unwrap_or_else(|| slugify(&name));
    store_projects::validate_slug(&slug).map_err(|err| ApiError::bad_request(format!("slug: {err}")))?;
    Ok(NewProject { name, slug, platform: text("platform")? })
}

/// `POST /api/0/teams/{org}/{team}/projects/`: `name` (required), `slug` (from the name when
/// absent), `platform`. 201 with the project; 409 when the slug is taken.
async fn create_project(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    body: Option<Json<Value>>,
) -> Result<Response, ApiError> {
    let team_path = path.clone();
    state.store.read(move |conn| team_of(conn, &team_path)).await?;
    let Some(Json(body)) = body else {
        return Err(ApiError::bad_request("The body must be a JSON object"));
    };
    let wanted = new_project(&body)?;
    let slug = wanted.slug.clone();
    let created = state
        .store
        .writer()
        .call(move |tx| store_projects::add_project(tx, &wanted.slug, &wanted.name, wanted.platform.as_deref()))
        .await?;
    if created.is_none() {
        return Err(ApiError::new(StatusCode::CONFLICT, "A project with this slug already exists."));
    }
    let value = state
        .store
        .read(move |conn| {
            let mut path = path;
            path.insert("project".into(), slug);
            let (org, project) = project_of(conn, &path)?;
            Ok(project_json(&project, &org, &cat::environments(conn, org.id, &[project.id])?))
        })
        .await?;
    Ok((StatusCode::CREATED, json_response(value, vec![])).into_response())
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn project_names_become_sentry_slugs() {
        assert_eq!(slugify("My New App"), "my-new-app");
        assert_eq!(slugify("  api__v2 "), "api__v2");
        assert_eq!(slugify("Shop: Backend!"), "shop-backend");
        assert_eq!(slugify(&"x".repeat(60)).len(), 50);
    }
}
