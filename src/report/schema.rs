//! The JSON Schema that `flcli schema` prints, generated from the report types
//! themselves so that the documented contract cannot drift from the output.

use super::{CompareReport, RecommendReport, StatsReport, SCHEMA_VERSION};
use schemars::SchemaGenerator;
use serde_json::{json, Value};

/// One self-contained JSON Schema (draft 2020-12) for every report flcli prints.
///
/// The root accepts any of the three reports (`anyOf`); each is also reachable on its
/// own as `#/$defs/StatsReport`, `#/$defs/CompareReport` and `#/$defs/RecommendReport`.
/// All `$ref`s resolve inside this one document.
pub fn json_schema() -> Value {
    let mut gen = SchemaGenerator::default();
    let any_of = vec![
        gen.subschema_for::<StatsReport>().to_value(),
        gen.subschema_for::<CompareReport>().to_value(),
        gen.subschema_for::<RecommendReport>().to_value(),
    ];
    let mut defs = gen.take_definitions(true);
    for def in defs.values_mut() {
        require_every_property(def);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "flcli reports",
        "description": format!(
            "The --json output of flcli stats, compare and recommend (schema_version {SCHEMA_VERSION})."
        ),
        "schema_version": SCHEMA_VERSION,
        "anyOf": any_of,
        "$defs": defs,
    })
}

/// Marks every property of an object schema as required.
///
/// The reports are only ever serialized with every field present (a value that
/// cannot be computed is `null`, never a missing key), but schemars treats
/// `Option` and `#[serde(default)]` fields as optional. The schema describes
/// the output, so every key is required.
fn require_every_property(schema: &mut Value) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        let keys: Vec<Value> = props.keys().cloned().map(Value::String).collect();
        for p in props.values_mut() {
            require_every_property(p);
        }
        obj.insert("required".into(), Value::Array(keys));
    }
}
