//! Who holds a TCP port: for the message when sift cannot listen where its DSNs point. On Linux
//! the listening socket is found in `/proc/net/tcp` and `tcp6`, and its owner among the
//! processes whose descriptors this user may read; elsewhere, or when the owner is hidden, the
//! answer is only "another program".

/// `python3 (pid 4242)`, or `another program` when it cannot be told.
pub fn describe(port: u16) -> String {
    match holder(port) {
        Some((pid, name)) => format!("{name} (pid {pid})"),
        None => "another program".to_string(),
    }
}

#[cfg(target_os = "linux")]
fn holder(port: u16) -> Option<(u32, String)> {
    let inodes: Vec<String> = ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .flat_map(|table| listening_inodes(&table, port))
        .collect();
    if inodes.is_empty() {
        return None;
    }
    let wanted: Vec<String> = inodes.iter().map(|i| format!("socket:[{i}]")).collect();
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        let holds = fds.flatten().any(|fd| {
            std::fs::read_link(fd.path()).is_ok_and(|target| wanted.iter().any(|w| target.as_os_str() == w.as_str()))
        });
        if holds {
            let name = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
            return Some((pid, crate::text::truncate(name.trim(), 32)));
        }
    }
    None
}

#[cfg(not(target_os = "linux"))]
fn holder(_port: u16) -> Option<(u32, String)> {
    None
}

/// The inodes of the sockets listening on `port` in one `/proc/net/tcp` table.
#[cfg_attr(not(target_os = "linux"), allow(dead_code, reason = "only Linux has the tables"))]
fn listening_inodes(table: &str, port: u16) -> Vec<String> {
    const LISTEN: &str = "0A";
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let local_port = fields.get(1)?.rsplit(':').next()?;
            let listening = *fields.get(3)? == LISTEN;
            (listening && u16::from_str_radix(local_port, 16).ok()? == port)
                .then(|| fields.get(9).map(|i| i.to_string()))?
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_sockets_are_read_from_the_table() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
                     \x20  0: 0100007F:2328 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0\n\
                     \x20  1: 0100007F:2328 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0\n\
                     \x20  2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4444 1 0\n";
        assert_eq!(listening_inodes(table, 9000), vec!["4242".to_string()]);
        assert!(listening_inodes(table, 9001).is_empty());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_holder_of_a_port_is_this_process() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let described = describe(port);
        assert!(described.contains(&format!("pid {}", std::process::id())), "{described}");
    }
}
