//! The URL arithmetic of source-map lookup, as Sentry does it: the candidate URLs a frame's
//! `abs_path` may have been uploaded under (the URL itself, without its query, and the `~/`
//! forms sentry-cli's `--url-prefix` writes), a map reference resolved against the file that
//! names it, the `sourceMappingURL` comment of a minified file, and a module name for an
//! original source. Pure string work.

/// The URLs a frame's `abs_path` may have been uploaded under, best first: the path as given
/// (without `#fragment` and a leading `async `), without its query, then `~` + path + query and
/// `~` + path. A plain file path (Node) is tried as it is and as `~` + path.
pub fn candidates(abs_path: &str) -> Vec<String> {
    let abs_path = abs_path.strip_prefix("async ").unwrap_or(abs_path).trim();
    let url = abs_path.split('#').next().unwrap_or(abs_path);
    let mut out: Vec<String> = Vec::with_capacity(4);
    let mut push = |candidate: String| {
        if !candidate.is_empty() && !out.contains(&candidate) {
            out.push(candidate);
        }
    };
    push(url.to_string());
    let without_query = url.split('?').next().unwrap_or(url);
    push(without_query.to_string());
    if let Some(path) = site_path(url) {
        let bare = path.split('?').next().unwrap_or(path);
        push(format!("~{path}"));
        push(format!("~{bare}"));
    }
    out
}

/// Only the `~/` forms of [`candidates`]: what a bundle without a release is matched by.
pub fn tilde_candidates(abs_path: &str) -> Vec<String> {
    candidates(abs_path).into_iter().filter(|c| c.starts_with("~/")).collect()
}

/// The path (with query) of a URL or file path, starting with `/`: `https://host/a/b.js?x` →
/// `/a/b.js?x`, `app:///a.js` → `/a.js`, `/srv/a.js` → `/srv/a.js`. `None` for `~/` paths
/// (already in that form) and for names that are neither.
fn site_path(url: &str) -> Option<&str> {
    if url.starts_with("~/") {
        return None;
    }
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map(|at| &rest[at..]),
        None => url.starts_with('/').then_some(url),
    }
}

/// Resolves `reference` (a map's name as a `sourcemap` header or a `sourceMappingURL` gives
/// it) against `base`, the URL of the file that names it.
pub fn join(base: &str, reference: &str) -> String {
    if reference.contains("://") || reference.starts_with("~/") || reference.starts_with("data:") {
        return reference.to_string();
    }
    let (root, path) = split_root(base);
    let joined = if reference.starts_with('/') {
        reference.to_string()
    } else {
        let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        format!("{dir}/{reference}")
    };
    format!("{root}{}", normalize(&joined))
}

/// Splits a URL into what comes before its path (`https://host`, `~`, ``) and the path.
fn split_root(url: &str) -> (&str, &str) {
    let url = url.split(['?', '#']).next().unwrap_or(url);
    if let Some(rest) = url.strip_prefix('~') {
        return ("~", rest);
    }
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let at = rest.find('/').unwrap_or(rest.len());
            (&url[..scheme.len() + 3 + at], &rest[at..])
        }
        None => ("", url),
    }
}

/// Removes `.` segments and folds `..` ones into their parent, keeping a leading `/`.
fn normalize(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let tail = if path.ends_with('/') && !segments.is_empty() { "/" } else { "" };
    format!("/{}{tail}", segments.join("/"))
}

/// The `//# sourceMappingURL=` of a minified file: the last such comment in its last lines.
pub fn source_mapping_url(source: &[u8]) -> Option<String> {
    let tail = &source[source.len().saturating_sub(4096)..];
    let text = String::from_utf8_lossy(tail);
    text.lines().rev().find_map(|line| {
        let line = line.trim();
        let rest = line.strip_prefix("//# sourceMappingURL=").or_else(|| line.strip_prefix("//@ sourceMappingURL="))?;
        let url = rest.trim();
        (!url.is_empty()).then(|| url.to_string())
    })
}

/// An original source's file name as Sentry shows it: `webpack://app/./src/a.js` → `./src/a.js`.
pub fn display_filename(source: &str) -> String {
    match source.strip_prefix("webpack://") {
        Some(rest) => {
            let rest = rest.split_once('/').map_or(rest, |(_, path)| path);
            if rest.starts_with('.') { rest.to_string() } else { format!("./{rest}") }
        }
        None => source.to_string(),
    }
}

/// A module name for an original source, stable across builds: the path without scheme, `.`,
/// `..` and `~` segments or extension (`../src/cart.js` → `src/cart`).
pub fn module_name(source: &str) -> Option<String> {
    let source = display_filename(source);
    let path = source.split(['?', '#']).next().unwrap_or(&source);
    let path = path.split_once("://").map_or(path, |(_, rest)| rest);
    let segments: Vec<&str> = path.split('/').filter(|s| !matches!(*s, "" | "." | ".." | "~")).collect();
    let (last, dirs) = segments.split_last()?;
    let stem = last.rsplit_once('.').map_or(*last, |(stem, ext)| {
        if matches!(ext, "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" | "vue" | "svelte") {
            stem
        } else {
            last
        }
    });
    let mut module = dirs.join("/");
    if !module.is_empty() {
        module.push('/');
    }
    module.push_str(stem);
    (!module.is_empty()).then_some(module)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_follow_sentrys_order() {
        assert_eq!(
            candidates("https://shop.example/static/app.js?v=3#x"),
            [
                "https://shop.example/static/app.js?v=3",
                "https://shop.example/static/app.js",
                "~/static/app.js?v=3",
                "~/static/app.js"
            ]
        );
        assert_eq!(candidates("/srv/app/dist/app.js"), ["/srv/app/dist/app.js", "~/srv/app/dist/app.js"]);
        assert_eq!(candidates("app:///main.js"), ["app:///main.js", "~/main.js"]);
        assert_eq!(candidates("~/main.js"), ["~/main.js"]);
        assert_eq!(tilde_candidates("async http://localhost:5173/assets/app.js"), ["~/assets/app.js"]);
    }

    #[test]
    fn references_resolve_against_the_file_that_names_them() {
        assert_eq!(join("~/dist/app.js", "app.js.map"), "~/dist/app.js.map");
        assert_eq!(join("https://h/static/js/app.js?v=1", "../maps/app.js.map"), "https://h/static/maps/app.js.map");
        assert_eq!(join("https://h/static/app.js", "/maps/app.js.map"), "https://h/maps/app.js.map");
        assert_eq!(join("/srv/dist/app.js", "./app.js.map"), "/srv/dist/app.js.map");
        assert_eq!(join("~/a.js", "https://cdn/x.map"), "https://cdn/x.map");
        assert_eq!(join("~/a/b.js", "../../../x.map"), "~/x.map");
    }

    #[test]
    fn the_last_source_mapping_url_wins() {
        let source =
            b"var a=1;\n//# sourceMappingURL=old.map\nvar b;\n//# sourceMappingURL=app.js.map\n//# debugId=x\n";
        assert_eq!(source_mapping_url(source).as_deref(), Some("app.js.map"));
        assert_eq!(source_mapping_url(b"var a=1;"), None);
    }

    #[test]
    fn module_names_do_not_depend_on_where_the_build_went() {
        assert_eq!(module_name("../src/cart.js").as_deref(), Some("src/cart"));
        assert_eq!(module_name("webpack://shop/./src/cart.ts").as_deref(), Some("src/cart"));
        assert_eq!(module_name("~/lib/data.min.json").as_deref(), Some("lib/data.min.json"));
        assert_eq!(module_name("../"), None);
        assert_eq!(display_filename("webpack://shop/./src/cart.ts"), "./src/cart.ts");
        assert_eq!(display_filename("webpack:///src/cart.ts"), "./src/cart.ts");
    }
}
