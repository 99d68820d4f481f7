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
