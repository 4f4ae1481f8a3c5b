//! The organization's members, in Sentry's shape: `GET /api/0/organizations/{org}/members/`
//! and `GET /api/0/organizations/{org}/users/` list every user of this server (sift has one
//! organization's worth of people) as an `OrganizationMember` with its `user`, so clients that
//! offer "assign to" pickers (the console's `a`) find the names to offer.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};

use super::catalog::full_list;
use super::issue_json::iso;
use super::{PathArgs, both, org_named};
use crate::server::{ApiError, AppState};
use crate::store::notes::{self, User};

/// Adds the member routes under the organization prefix `o`.
pub fn routes(api: Router<Arc<AppState>>, o: &str) -> Router<Arc<AppState>> {
    let api = both(api, &format!("{o}/members/"), get(members));
    both(api, &format!("{o}/users/"), get(members))
}

fn member_json(user: &User, joined: f64) -> Value {
    let email = user.email.clone().unwrap_or_default();
    let id = user.id.to_string();
    json!({
        "id": id,
        "email": email,
        "name": user.name,
        "user": {
            "id": id,
            "name": user.name,
            "username": user.username,
            "email": email,
            "avatarUrl": "",
            "isActive": true,
            "hasPasswordAuth": false,
            "isManaged": false,
            "dateJoined": iso(joined),
            "lastLogin": null,
            "has2fa": false,
            "lastActive": null,
            "isSuperuser": false,
            "isStaff": false,
            "experiments": {},
            "emails": [],
        },
        "orgRole": "owner",
        "role": "owner",
        "roleName": "Owner",
        "pending": false,
        "expired": false,
        "flags": {},
        "dateCreated": iso(joined),
        "inviteStatus": "approved",
        "inviterName": null,
        "teams": [],
        "teamRoles": [],
        "projects": [],
    })
}

async fn members(
    State(state): State<Arc<AppState>>,
    path: PathArgs,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let items = state
        .store
        .read(move |conn| {
            org_named(conn, &path)?;
            Ok(notes::users(conn)?.iter().map(|(user, joined)| member_json(user, *joined)).collect::<Vec<_>>())
        })
        .await?;
    Ok(full_list(items, &uri, &headers))
}
