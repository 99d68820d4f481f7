//! Entities through the real binary: the `ner` contract the scorer relies on,
//! and `entities` on the built-in seed articles.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn byline_with_input(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_byline"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run byline");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().expect("byline output")
}

fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap().lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect()
}

#[test]
fn ner_writes_one_record_per_input_line_with_code_point_spans() {
    let input = concat!(
        "{\"id\": \"a\", \"text\": \"Ça coûte $5m : le 13 March 2014 à Paris.\"}\n",
        "\n",
        "{\"id\": 7, \"text\": \"nothing here\"}\n",
    );
    let recs = json_lines(&byline_with_input(&["ner", "-"], input));
    assert_eq!(recs.len(), 2, "blank lines are skipped, every record answered");
    assert_eq!(recs[0]["id"], "a");
    assert_eq!(recs[1]["id"], 7, "ids are echoed as given");
    let text: Vec<char> = "Ça coûte $5m : le 13 March 2014 à Paris.".chars().collect();
    let ents = recs[0]["entities"].as_array().unwrap();
    for e in ents {
        let (s, t) = (e["start"].as_u64().unwrap() as usize, e["end"].as_u64().unwrap() as usize);
        let span: String = text[s..t].iter().collect();
        assert_eq!(span, e["text"].as_str().unwrap(), "offsets are code points of the text as given");
    }
    let labelled: Vec<(&str, &str)> = ents.iter().map(|e| (e["text"].as_str().unwrap(), e["label"].as_str().unwrap())).collect();
    assert!(labelled.contains(&("$5m", "MONEY")), "{labelled:?}");
    assert!(labelled.contains(&("13 March 2014", "DATE")), "{labelled:?}");
}

#[test]
fn ner_rejects_a_line_that_is_not_a_record() {
    let o = byline_with_input(&["ner"], "{\"id\": \"a\"}\n");
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 1"));
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_byline")).args(args).stdin(Stdio::null()).output().expect("run byline")
}

#[test]
fn every_seed_yields_ranked_entities_with_a_person_and_an_organisation_on_top() {
    let list = String::from_utf8(run(&["list"]).stdout).unwrap();
    let ids: Vec<&str> = list.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(ids.len(), 3);
    for id in ids {
        let o = run(&["entities", id, "--json"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let ents: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).expect("a JSON array");
        assert!(!ents.is_empty(), "{id}: no entities");
        // Ranked: mention counts never increase down the list.
        let counts: Vec<u64> = ents.iter().map(|e| e["count"].as_u64().unwrap()).collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{id}: {counts:?}");
        for e in &ents {
            assert_eq!(e["spans"].as_array().unwrap().len() as u64, e["count"].as_u64().unwrap());
            assert!(!e["name"].as_str().unwrap().is_empty());
        }
        // A news story is about someone and some organisation: both are
        // among the five most mentioned, each mentioned more than once.
        let top: Vec<&str> =
            ents.iter().take(5).filter(|e| e["count"].as_u64().unwrap() > 1).map(|e| e["kind"].as_str().unwrap()).collect();
        assert!(top.contains(&"PER") && top.contains(&"ORG"), "{id}: top kinds {top:?}");
    }
}

#[test]
fn entities_spans_index_the_cleaned_body_in_code_points() {
    let list = String::from_utf8(run(&["list"]).stdout).unwrap();
    let id = list.lines().next().unwrap().split('\t').next().unwrap();
    let shown: serde_json::Value = serde_json::from_slice(&run(&["show", id, "--json"]).stdout).unwrap();
    // The cleaned body: kept blocks but captions, a blank line apart.
    let body: Vec<String> = shown["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["kind"] != "caption")
        .map(|b| b["text"].as_str().unwrap().to_string())
        .collect();
    let body: Vec<char> = body.join("\n\n").chars().collect();
    let ents: Vec<serde_json::Value> = serde_json::from_slice(&run(&["entities", id, "--json"]).stdout).unwrap();
    let person = ents.iter().find(|e| e["kind"] == "PER").expect("a person");
    let name = person["name"].as_str().unwrap();
    let last = name.split_whitespace().last().unwrap();
    for s in person["spans"].as_array().unwrap() {
        let (a, b) = (s[0].as_u64().unwrap() as usize, s[1].as_u64().unwrap() as usize);
        let text: String = body[a..b].iter().collect();
        assert!(text.ends_with(last), "span {a}-{b} is {text:?}, not a mention of {name}");
    }
}

/// (id, start, end, label) of the entities of JSON Lines records with one of `labels`.
fn spans_of(records: &[serde_json::Value], labels: &[&str]) -> std::collections::HashSet<(String, u64, u64, String)> {
    records
        .iter()
        .flat_map(|r| {
            let id = r["id"].to_string();
            r["entities"].as_array().unwrap().iter().filter_map(move |e| {
                let label = e["label"].as_str().unwrap();
                labels.contains(&label).then(|| (id.clone(), e["start"].as_u64().unwrap(), e["end"].as_u64().unwrap(), label.into()))
            })
        })
        .collect()
}

fn date_money(records: &[serde_json::Value]) -> std::collections::HashSet<(String, u64, u64, String)> {
    spans_of(records, &["DATE", "MONEY"])
}

#[test]
fn people_organisations_and_places_of_news_paragraphs_are_found() {
    // Hand-annotated news paragraphs the tagger was never trained or tuned
    // on (tests/fixtures/ner/README.md); the tagger scores about 0.84 here,
    // so a fall under 0.78 is a real loss, not retraining noise.
    let gold_text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ner/news-names.gold.jsonl")).unwrap();
    let gold_records: Vec<serde_json::Value> = gold_text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let core = ["PER", "ORG", "LOC"];
    let pred = spans_of(&json_lines(&byline_with_input(&["ner", "-"], &gold_text)), &core);
    let gold = spans_of(&gold_records, &core);
    let correct = pred.intersection(&gold).count() as f64;
    let (p, r) = (correct / pred.len() as f64, correct / gold.len() as f64);
    let f1 = 2.0 * p * r / (p + r);
    assert!(gold.len() > 700 && f1 >= 0.78, "PER/ORG/LOC F1 {f1:.3} (P {p:.3} R {r:.3}) on {} gold spans", gold.len());
}

#[test]
fn dates_and_money_of_the_held_out_news_paragraphs_are_found_with_their_exact_spans() {
    // Hand-annotated paragraphs the rules were not tuned on (tests/fixtures/ner/README.md).
    let gold_text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ner/news-date-money.heldout.gold.jsonl")).unwrap();
    let gold_records: Vec<serde_json::Value> = gold_text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let pred = date_money(&json_lines(&byline_with_input(&["ner", "-"], &gold_text)));
    let gold = date_money(&gold_records);
    let correct = pred.intersection(&gold).count() as f64;
    let (p, r) = (correct / pred.len() as f64, correct / gold.len() as f64);
    let f1 = 2.0 * p * r / (p + r);
    assert!(gold.len() > 70 && f1 >= 0.9, "DATE+MONEY F1 {f1:.3} (P {p:.3} R {r:.3}) on {} gold spans", gold.len());
}
