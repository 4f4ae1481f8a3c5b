//! The rule form of the Alerts screen: one condition, an environment, an optional tag filter,
//! one action and the action interval, as fields to move through and edit, and the rule they
//! make in Sentry's JSON shape. A rule made elsewhere with more than the form can show (several
//! conditions or actions) opens with only its name, environment and interval editable, and the
//! rest is sent back as it was. A target or signing secret left blank while editing keeps the
//! stored one (the server never sends secrets back).

use serde_json::{Value, json};

use super::overlay::Input;
use crate::alerts::parse::ids;
use crate::api::AlertRule;

/// What the rule watches for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    NewIssue,
    Regression,
    Escalating,
    Events,
    Users,
    Level,
}

impl When {
    pub const ALL: [When; 6] =
        [When::NewIssue, When::Regression, When::Escalating, When::Events, When::Users, When::Level];

    pub fn label(self) -> &'static str {
        match self {
            When::NewIssue => "a new issue",
            When::Regression => "a regression",
            When::Escalating => "escalating",
            When::Events => "more than N events in an interval",
            When::Users => "more than N users in an interval",
            When::Level => "level at least",
        }
    }

    fn id(self) -> &'static str {
        match self {
            When::NewIssue => ids::FIRST_SEEN.0,
            When::Regression => ids::REGRESSION.0,
            When::Escalating => ids::ESCALATING.0,
            When::Events => ids::EVENT_FREQUENCY.0,
            When::Users => ids::UNIQUE_USERS.0,
            When::Level => ids::LEVEL_CONDITION.0,
        }
    }
}

/// Where the alert goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Send {
    Slack,
    Webhook,
    Email,
    Console,
}

impl Send {
    pub const ALL: [Send; 4] = [Send::Slack, Send::Webhook, Send::Email, Send::Console];

    pub fn label(self) -> &'static str {
        match self {
            Send::Slack => "Slack incoming webhook",
            Send::Webhook => "webhook (signed)",
            Send::Email => "email",
            Send::Console => "the console (bell, desktop notification)",
        }
    }
}

pub const INTERVALS: [&str; 7] = ["1m", "5m", "15m", "1h", "1d", "1w", "30d"];
pub const LEVELS: [(&str, &str); 5] =
    [("50", "fatal"), ("40", "error"), ("30", "warning"), ("20", "info"), ("10", "debug")];

/// The form's fields, in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Project,
    When,
    Count,
    Interval,
    Level,
    Environment,
    Tag,
    Send,
    Target,
    Secret,
    Frequency,
}

impl Field {
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Name",
            Field::Project => "Project",
            Field::When => "When",
            Field::Count => "More than",
            Field::Interval => "In",
            Field::Level => "Level",
            Field::Environment => "Environment",
            Field::Tag => "Tag filter",
            Field::Send => "Send to",
            Field::Target => "Target",
            Field::Secret => "Signing secret",
            Field::Frequency => "At most every",
        }
    }

    /// Whether the field takes typed text (else left/right choose).
    pub fn is_text(self) -> bool {
        !matches!(self, Field::Project | Field::When | Field::Interval | Field::Level | Field::Send)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleForm {
    /// The rule being edited (id and JSON), or `None` for a new one.
    pub editing: Option<(String, Value)>,
    /// Only name, environment and interval can change (the rule has more than the form shows).
    pub partial: bool,
    pub name: Input,
    /// Index into the screen's projects.
    pub project: usize,
    pub when: When,
    pub count: Input,
    pub interval: usize,
    pub level: usize,
    pub environment: Input,
    /// `key=value` (equals) or `key~value` (contains); empty for none.
    pub tag: Input,
    pub send: Send,
    /// A URL (Slack, webhook) or addresses (email).
    pub target: Input,
    pub secret: Input,
    /// Minutes.
    pub frequency: Input,
    pub focus: Field,
    /// Why the server refused the last save.
    pub error: Option<String>,
    /// The save request in flight.
    pub saving: Option<super::state::ReqId>,
}

impl RuleForm {
    /// An empty form for a new rule in project `project`.
    pub fn new(project: usize) -> Self {
        Self {
            editing: None,
            partial: false,
            name: Input::default(),
            project,
            when: When::NewIssue,
            count: Input::with("10"),
            interval: 0,
            level: 1,
            environment: Input::default(),
            tag: Input::default(),
            send: Send::Slack,
            target: Input::default(),
            secret: Input::default(),
            frequency: Input::with("30"),
            focus: Field::Name,
            error: None,
            saving: None,
        }
    }

    /// The form of an existing rule.
    pub fn edit(rule: &AlertRule, project: usize) -> Self {
        let raw = &rule.raw;
        let mut form = Self::new(project);
        form.editing = Some((rule.id.clone(), raw.clone()));
        form.name = Input::with(&rule.name);
        form.environment = Input::with(rule.environment.as_deref().unwrap_or(""));
        form.frequency = Input::with(&rule.frequency.unwrap_or(30).to_string());
        let list = |key: &str| raw.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
        let (conditions, filters, actions) = (list("conditions"), list("filters"), list("actions"));
        let text = |v: &Value, key: &str| match v.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        let simple = conditions.len() == 1 && actions.len() == 1 && filters.len() <= 1;
        let when = conditions.first().and_then(|c| When::ALL.into_iter().find(|w| w.id() == text(c, "id")));
        let send = actions.first().and_then(|a| match text(a, "id").as_str() {
            id if id == ids::SLACK.0 => Some(Send::Slack),
            id if id == ids::WEBHOOK.0 => Some(Send::Webhook),
            id if id == ids::EMAIL.0 => Some(Send::Email),
            id if id == ids::CONSOLE.0 => Some(Send::Console),
            _ => None,
        });
        let tag = match filters.first() {
            None => Some(String::new()),
            Some(f) if text(f, "id") == ids::TAG_FILTER.0 => match text(f, "match").as_str() {
                "eq" => Some(format!("{}={}", text(f, "key"), text(f, "value"))),
                "co" => Some(format!("{}~{}", text(f, "key"), text(f, "value"))),
                _ => None,
            },
            Some(_) => None,
        };
        match (simple, when, send, tag) {
            (true, Some(when), Some(send), Some(tag)) => {
                let condition = &conditions[0];
                form.when = when;
                form.count = Input::with(&text(condition, "value"));
                form.interval = INTERVALS.iter().position(|i| *i == text(condition, "interval")).unwrap_or(0);
                form.level = LEVELS.iter().position(|(n, _)| *n == text(condition, "level")).unwrap_or(1);
                form.send = send;
                form.tag = Input::with(&tag);
                if send == Send::Email {
                    form.target = Input::with(&text(&actions[0], "targetIdentifier"));
                }
            }
            _ => form.partial = true,
        }
        form
    }

    /// The fields that apply now, in order.
    pub fn fields(&self) -> Vec<Field> {
        if self.partial {
            return vec![Field::Name, Field::Environment, Field::Frequency];
        }
        let mut fields = vec![Field::Name];
        if self.editing.is_none() {
            fields.push(Field::Project);
        }
        fields.push(Field::When);
        match self.when {
            When::Events | When::Users => fields.extend([Field::Count, Field::Interval]),
            When::Level => fields.push(Field::Level),
            _ => {}
        }
        fields.extend([Field::Environment, Field::Tag, Field::Send]);
        match self.send {
            Send::Slack | Send::Email => fields.push(Field::Target),
            Send::Webhook => fields.extend([Field::Target, Field::Secret]),
            Send::Console => {}
        }
        fields.push(Field::Frequency);
        fields
    }

    /// Moves the focus by one field.
    pub fn step(&mut self, forward: bool) {
        let fields = self.fields();
        let at = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
        let n = fields.len();
        self.focus = fields[if forward { (at + 1) % n } else { (at + n - 1) % n }];
    }

    /// The text input under the focus, if it is a text field.
    pub fn input(&mut self) -> Option<&mut Input> {
        Some(match self.focus {
            Field::Name => &mut self.name,
            Field::Count => &mut self.count,
            Field::Environment => &mut self.environment,
            Field::Tag => &mut self.tag,
            Field::Target => &mut self.target,
            Field::Secret => &mut self.secret,
            Field::Frequency => &mut self.frequency,
            _ => return None,
        })
    }

    /// Cycles the choice under the focus; `projects` is how many projects there are.
    pub fn choose(&mut self, forward: bool, projects: usize) {
        let cycle = |at: usize, n: usize| if forward { (at + 1) % n.max(1) } else { (at + n.max(1) - 1) % n.max(1) };
        match self.focus {
            Field::Project => self.project = cycle(self.project, projects),
            Field::When => self.when = When::ALL[cycle(When::ALL.iter().position(|w| *w == self.when).unwrap_or(0), 6)],
            Field::Interval => self.interval = cycle(self.interval, INTERVALS.len()),
            Field::Level => self.level = cycle(self.level, LEVELS.len()),
            Field::Send => self.send = Send::ALL[cycle(Send::ALL.iter().position(|s| *s == self.send).unwrap_or(0), 4)],
            _ => {}
        }
    }

    /// What a field shows.
    pub fn value(&self, field: Field, projects: &[String]) -> String {
        match field {
            Field::Name => self.name.text.clone(),
            Field::Project => projects.get(self.project).cloned().unwrap_or_default(),
            Field::When => self.when.label().into(),
            Field::Count => self.count.text.clone(),
            Field::Interval => INTERVALS[self.interval % INTERVALS.len()].into(),
            Field::Level => LEVELS[self.level % LEVELS.len()].1.into(),
            Field::Environment => self.environment.text.clone(),
            Field::Tag => self.tag.text.clone(),
            Field::Send => self.send.label().into(),
            Field::Target => self.target.text.clone(),
            Field::Secret => "•".repeat(self.secret.text.chars().count()),
            Field::Frequency => format!("{} minutes", self.frequency.text),
        }
    }

    /// What an empty field means, shown dimmed.
    pub fn placeholder(&self, field: Field) -> &'static str {
        let editing = self.editing.is_some();
        match field {
            Field::Environment => "any environment",
            Field::Tag => "none (key=value, or key~value for contains)",
            Field::Target if editing && self.send != Send::Email => "unchanged (the stored URL)",
            Field::Target if self.send == Send::Email => "addresses, separated by commas",
            Field::Target => "https://…",
            Field::Secret if editing => "unchanged (the stored secret)",
            Field::Secret => "the key the signature is made with",
            _ => "",
        }
    }

    /// The rule in Sentry's JSON shape; the server checks it and says what is wrong.
    pub fn body(&self) -> Value {
        let frequency: Value =
            self.frequency.text.trim().parse::<u64>().map_or_else(|_| json!(self.frequency.text.trim()), Value::from);
        let environment = Some(self.environment.text.trim()).filter(|e| !e.is_empty());
        if let (true, Some((_, raw))) = (self.partial, &self.editing) {
            let mut body = raw.clone();
            body["name"] = json!(self.name.text.trim());
            body["environment"] = json!(environment);
            body["frequency"] = frequency;
            return body;
        }
        let condition = match self.when {
            When::Events | When::Users => json!({
                "id": self.when.id(), "value": self.count.text.trim(), "interval": INTERVALS[self.interval % INTERVALS.len()]
            }),
            When::Level => {
                json!({ "id": self.when.id(), "match": "gte", "level": LEVELS[self.level % LEVELS.len()].0 })
            }
            _ => json!({ "id": self.when.id() }),
        };
        let tag = self.tag.text.trim();
        let filters: Vec<Value> = if tag.is_empty() {
            Vec::new()
        } else {
            let (key, op, value) = match (tag.split_once('='), tag.split_once('~')) {
                (Some((k, v)), _) => (k, "eq", v),
                (None, Some((k, v))) => (k, "co", v),
                (None, None) => (tag, "is", ""),
            };
            vec![json!({ "id": ids::TAG_FILTER.0, "key": key.trim(), "match": op, "value": value.trim() })]
        };
        let target = Some(self.target.text.trim()).filter(|t| !t.is_empty());
        let secret = Some(self.secret.text.as_str()).filter(|s| !s.is_empty());
        let mut action = match self.send {
            Send::Slack => json!({ "id": ids::SLACK.0 }),
            Send::Webhook => json!({ "id": ids::WEBHOOK.0, "service": "webhooks" }),
            Send::Email => {
                json!({ "id": ids::EMAIL.0, "targetType": "Email", "targetIdentifier": target.unwrap_or("") })
            }
            Send::Console => json!({ "id": ids::CONSOLE.0 }),
        };
        match (self.send, target) {
            (Send::Slack, Some(url)) => action["webhookUrl"] = json!(url),
            (Send::Webhook, Some(url)) => action["url"] = json!(url),
            _ => {}
        }
        if let (Send::Webhook, Some(secret)) = (self.send, secret) {
            action["secret"] = json!(secret);
        }
        let status = self.editing.as_ref().and_then(|(_, raw)| raw.get("status").cloned()).unwrap_or(json!("active"));
        json!({
            "name": self.name.text.trim(),
            "actionMatch": "any",
            "filterMatch": "all",
            "frequency": frequency,
            "environment": environment,
            "status": status,
            "conditions": [condition],
            "filters": filters,
            "actions": [action],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alerts::parse;

    #[test]
    fn a_new_form_makes_a_rule_the_parser_takes() {
        let mut form = RuleForm::new(0);
        form.name = Input::with("Checkout storms");
        form.when = When::Events;
        form.count = Input::with("10");
        form.interval = 0;
        form.tag = Input::with("url~checkout");
        form.send = Send::Webhook;
        form.target = Input::with("http://127.0.0.1:9/hook");
        form.secret = Input::with("0123456789");
        let mut rule = parse::rule(&form.body()).unwrap();
        parse::require_secrets(&mut rule, None).unwrap();
        assert_eq!(
            rule.rule.conditions,
            [crate::alerts::rule::Condition::EventFrequency {
                value: 10,
                interval: crate::alerts::rule::Interval::Minute
            }]
        );
        assert_eq!(rule.rule.filters.len(), 1);
        assert_eq!(rule.rule.frequency_mins, 30);
    }

    #[test]
    fn fields_follow_the_choices() {
        let mut form = RuleForm::new(0);
        assert_eq!(
            form.fields(),
            [
                Field::Name,
                Field::Project,
                Field::When,
                Field::Environment,
                Field::Tag,
                Field::Send,
                Field::Target,
                Field::Frequency
            ]
        );
        form.focus = Field::When;
        form.choose(true, 1);
        form.choose(true, 1);
        form.choose(true, 1);
        assert_eq!(form.when, When::Events);
        form.send = Send::Console;
        assert_eq!(
            form.fields(),
            [
                Field::Name,
                Field::Project,
                Field::When,
                Field::Count,
                Field::Interval,
                Field::Environment,
                Field::Tag,
                Field::Send,
                Field::Frequency
            ]
        );
        form.focus = Field::Frequency;
        form.step(true);
        assert_eq!(form.focus, Field::Name);
    }

    #[test]
    fn editing_reads_the_rule_back_and_keeps_secrets_unsent() {
        let raw = serde_json::json!({
            "id": "4", "name": "Hooks", "frequency": 60, "environment": "production", "status": "disabled",
            "conditions": [{ "id": ids::UNIQUE_USERS.0, "value": 5, "interval": "1h" }],
            "filters": [{ "id": ids::TAG_FILTER.0, "key": "browser", "match": "eq", "value": "Firefox" }],
            "actions": [{ "id": ids::WEBHOOK.0, "service": "webhooks", "secretsSet": ["url", "secret"] }]
        });
        let rule = AlertRule::from_value(raw).unwrap();
        let form = RuleForm::edit(&rule, 0);
        assert!(!form.partial);
        assert_eq!((form.when, form.send, form.interval), (When::Users, Send::Webhook, 3));
        assert_eq!(form.tag.text, "browser=Firefox");
        let body = form.body();
        assert_eq!(body["status"], "disabled");
        assert!(body["actions"][0].get("url").is_none() && body["actions"][0].get("secret").is_none());
    }

    #[test]
    fn a_rule_with_more_than_the_form_shows_is_edited_in_part() {
        let raw = serde_json::json!({
            "id": "1", "name": "New or regressed issues", "frequency": 5,
            "conditions": [{ "id": ids::FIRST_SEEN.0 }, { "id": ids::REGRESSION.0 }],
            "actions": [{ "id": ids::CONSOLE.0 }]
        });
        let rule = AlertRule::from_value(raw).unwrap();
        let mut form = RuleForm::edit(&rule, 0);
        assert!(form.partial);
        assert_eq!(form.fields(), [Field::Name, Field::Environment, Field::Frequency]);
        form.frequency = Input::with("15");
        let body = form.body();
        assert_eq!(body["frequency"], 15);
        assert_eq!(body["conditions"].as_array().unwrap().len(), 2);
    }
}
