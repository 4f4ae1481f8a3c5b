use super::*;

#[test]
fn round_trip() {
    let json = br#"{"message":"hello","level":"error"}"#.repeat(50);
    let blob = encode(&json).unwrap();
    assert!(blob.len() < json.len() / 5);
    assert_eq!(decode(&blob).unwrap(), json);
}

#[test]
fn blobs_name_the_dictionary_and_blobs_from_before_it_still_decode() {
    let json = br#"{"exception":{"values":[{"type":"KeyError","value":"'user'"}]},"platform":"python"}"#;
    let blob = encode(json).unwrap();
    assert_eq!(zstd::zstd_safe::get_dict_id_from_frame(&blob).map(|id| id.get()), dictionary_id());
    // What every version before the dictionary wrote: a plain level-1 frame with no dictionary id.
    let plain = zstd::bulk::compress(json, 1).unwrap();
    assert_eq!(decode(&plain).unwrap(), json);
    assert_eq!(decode(&blob).unwrap(), json);
}

#[test]
fn a_blob_from_an_unknown_dictionary_is_an_error() {
    let json = b"{\"message\":\"hello from elsewhere\",\"level\":\"error\"}".repeat(4);
    let other = zstd::dict::from_samples(&vec![json.clone(); 64], 1024).unwrap();
    let blob = zstd::bulk::Compressor::with_dictionary(1, &other).unwrap().compress(&json).unwrap();
    let err = decode(&blob).unwrap_err();
    assert!(err.to_string().contains("does not have"), "{err}");
}

#[test]
fn garbage_is_an_error() {
    assert!(decode(b"not zstd").is_err());
}

/// The stored JSON of every recorded SDK event, as the ingest path writes it.
fn recorded_events() -> Vec<Vec<u8>> {
    ["python", "node", "rust", "cli"].iter().flat_map(|client| crate::tui::sdk_events::stored(client)).collect()
}

/// Trains the dictionary from the recordings when `SIFT_UPDATE_DICTIONARY=1`; otherwise checks
/// that the committed one still earns its place: the recorded events, compressed one by one as
/// the store does, take at most two thirds of the bytes they take without it.
#[test]
fn the_dictionary_shrinks_recorded_events() {
    let events = recorded_events();
    assert!(events.len() >= 30, "only {} recorded events", events.len());
    if std::env::var_os("SIFT_UPDATE_DICTIONARY").is_some() {
        let dictionary = zstd::dict::from_samples(&events, 16 * 1024).unwrap();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/zstd/events.dict");
        std::fs::write(&path, dictionary).unwrap();
        eprintln!("wrote {}; rebuild to use it", path.display());
        return;
    }
    let plain: usize = events.iter().map(|e| zstd::bulk::compress(e, LEVEL).unwrap().len()).sum();
    let with: usize = events.iter().map(|e| encode(e).unwrap().len()).sum();
    let raw: usize = events.iter().map(Vec::len).sum();
    eprintln!("{} events, {raw} bytes: {plain} without the dictionary, {with} with it", events.len());
    assert!(with * 3 <= plain * 2, "{with} bytes with the dictionary, {plain} without");
    for event in &events {
        assert_eq!(&decode(&encode(event).unwrap()).unwrap(), event);
    }
}

/// The dictionary is not just a memory of its training set: trained without one client's events,
/// it still shrinks that client's events.
#[test]
fn a_dictionary_helps_with_a_client_it_was_not_trained_on() {
    for left_out in ["python", "node"] {
        let training: Vec<Vec<u8>> = ["python", "node", "rust", "cli"]
            .iter()
            .filter(|client| **client != left_out)
            .flat_map(|client| crate::tui::sdk_events::stored(client))
            .collect();
        let dictionary = zstd::dict::from_samples(&training, 16 * 1024).unwrap();
        let mut compressor = zstd::bulk::Compressor::with_dictionary(LEVEL, &dictionary).unwrap();
        let events = crate::tui::sdk_events::stored(left_out);
        let plain: usize = events.iter().map(|e| zstd::bulk::compress(e, LEVEL).unwrap().len()).sum();
        let with: usize = events.iter().map(|e| compressor.compress(e).unwrap().len()).sum();
        eprintln!("{left_out} left out: {plain} bytes without a dictionary, {with} with one trained on the others");
        assert!(with * 10 <= plain * 9, "{left_out}: {with} with, {plain} without");
    }
}
