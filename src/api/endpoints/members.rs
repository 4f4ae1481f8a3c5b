//! The organization's members, for "assign to" pickers.
//!
//! Contract: `GET /api/0/organizations/{org}/members/` (every page), each member read
//! tolerantly: the user's id, name, username and email where the member has a user, else the
//! member's own name and email (a pending invite has no user and cannot be assigned, so it is
//! left out).

use serde::Deserialize;

use crate::api::client::Client;
use crate::api::error::Error;
use crate::api::models::de;

/// A person issues can be assigned to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Member {
    /// The user id (`assignedTo: "user:<id>"`).
    pub id: String,
    /// Name, else username, else email, else id.
    pub name: String,
    pub username: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawUser {
    #[serde(deserialize_with = "de::string")]
    id: String,
    name: Option<String>,
    username: Option<String>,
    email: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawMember {
    name: Option<String>,
    email: Option<String>,
    user: Option<RawUser>,
}

/// Pages read at most (a hundred members each).
const MAX_PAGES: usize = 10;

impl Client {
    /// Members of the client's organization that have a user, in the server's order.
    pub async fn list_members(&self) -> Result<Vec<Member>, Error> {
        let mut members = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let query: Vec<(&str, String)> = cursor.iter().map(|c| ("cursor", c.clone())).collect();
            let page = self.get_page::<RawMember>(self.org_url(&["members"], &query)).await?;
            members.extend(page.items.into_iter().filter_map(member));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        Ok(members)
    }
}

fn member(raw: RawMember) -> Option<Member> {
    let user = raw.user.filter(|u| !u.id.is_empty())?;
    let nonempty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    let username = nonempty(user.username);
    let email = nonempty(user.email).or(nonempty(raw.email));
    let name = nonempty(user.name)
        .or(nonempty(raw.name))
        .or(username.clone())
        .or(email.clone())
        .unwrap_or_else(|| user.id.clone());
    Some(Member { id: user.id, name, username, email })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_read_tolerantly() {
        let raw: Vec<RawMember> = serde_json::from_value(serde_json::json!([
            {"id": "9", "name": "Ada", "email": "ada@x", "user": {"id": 4, "name": "", "username": "ada"}},
            {"id": "10", "email": "new@x", "user": null, "pending": true},
            {"user": {"id": "5", "email": "bo@x"}},
        ]))
        .unwrap();
        let members: Vec<Member> = raw.into_iter().filter_map(member).collect();
        assert_eq!(
            members,
            vec![
                Member {
                    id: "4".into(),
                    name: "Ada".into(),
                    username: Some("ada".into()),
                    email: Some("ada@x".into())
                },
                Member { id: "5".into(), name: "bo@x".into(), username: None, email: Some("bo@x".into()) },
            ]
        );
    }
}
