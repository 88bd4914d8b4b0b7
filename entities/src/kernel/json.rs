//! Reading the JSON columns the shop keeps: lists of strings and
//! name/value pairs (a variant's options, a product's attributes).

/// The strings of a JSON list (anything else is empty).
pub fn string_list(json: &serde_json::Value) -> Vec<String> {
    json.as_array().map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

/// Reads `[[k, v], …]` or `{k: v, …}` JSON into ordered pairs.
pub fn pairs(json: &serde_json::Value) -> Vec<(String, String)> {
    match json {
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|item| {
                let pair = item.as_array()?;
                Some((pair.first()?.as_str()?.to_owned(), pair.get(1)?.as_str()?.to_owned()))
            })
            .collect(),
        serde_json::Value::Object(map) => {
            map.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect()
        }
        _ => Vec::new(),
    }
}
