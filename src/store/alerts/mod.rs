//! The alerts' tables: rules and their secrets ([`rules`]), the writer's part, which decides
//! and records firings inside the transaction of the event that caused them ([`fire`]), and the
//! outbox the delivery worker drains and the firing log the API and console read ([`outbox`]).
//! Every statement here uses bound parameters; nothing here sends anything.

pub mod fire;
pub mod outbox;
pub mod rules;

/// Where a rule came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Created through the Web API (or the console): editable there.
    Api,
    /// Written in config.toml: replaced from it at every start, read-only elsewhere.
    Config,
    /// The rule every project starts with (new or regressed issues ring the console).
    Default,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Api => "api",
            Origin::Config => "config",
            Origin::Default => "default",
        }
    }

    pub fn parse(text: &str) -> Self {
        match text {
            "config" => Origin::Config,
            "default" => Origin::Default,
            _ => Origin::Api,
        }
    }
}

/// `meta` key: the most deliveries the outbox holds before it drops the oldest.
pub const META_OUTBOX_LIMIT: &str = "alerts_outbox_limit";
/// `meta` key: how many deliveries the outbox has dropped, ever.
pub const META_OUTBOX_DROPPED: &str = "alerts_outbox_dropped";
/// The outbox bound when config.toml sets none.
pub const DEFAULT_OUTBOX_LIMIT: u64 = 10_000;
