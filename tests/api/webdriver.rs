//! Shared helpers of the browser tests: chromedriver in its own process group, headless Chromium
//! sessions of a given window size and language, screenshots under `target/screenshots/`, axe-core
//! accessibility checks, and Chromium's network and CPU throttling.
//!
//! The browser tests run only with `HOSPES_BROWSER_TESTS=1` (CI sets it and installs Debian's
//! `chromium` and `chromium-driver`). axe-core comes from npm; `HOSPES_AXE_JS` names its
//! `axe.min.js` (CI installs it into its cache).

use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

pub const CHROMIUM_ARGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// Whether the browser tests are to run; prints why not otherwise.
pub fn enabled() -> bool {
    let on = std::env::var("HOSPES_BROWSER_TESTS").as_deref() == Ok("1");
    if !on {
        eprintln!("skipped: set HOSPES_BROWSER_TESTS=1 to run the headless Chromium test");
    }
    on
}

/// chromedriver on a free local port, in a process group of its own, which is ended (chromedriver
/// and the browsers it started) when dropped — also when the test fails half-way.
pub struct Driver {
    child: std::process::Child,
    pub url: String,
}

impl Driver {
    pub async fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let binary = std::env::var("HOSPES_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        use std::os::unix::process::CommandExt;
        let child = std::process::Command::new(&binary)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary} (apt-get install chromium chromium-driver): {e}"));
        let url = format!("http://127.0.0.1:{port}");
        // The driver owns the child from here on: dropped (killed and reaped) on any exit.
        let driver = Driver { child, url };
        for _ in 0..100 {
            if reqwest::get(format!("{}/status", driver.url)).await.is_ok() {
                return driver;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not start");
    }

    /// A new headless Chromium session: window `width`×`height` CSS pixels, and the browser's
    /// languages (its `Accept-Language`) if given, e.g. `"zh-CN,zh"`.
    pub async fn session(&self, width: u32, height: u32, accept_language: Option<&str>) -> Session {
        let profile = tempfile::tempdir().unwrap();
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push(format!("--window-size={width},{height}"));
        if let Some(l) = accept_language {
            args.push(format!("--lang={}", l.split(',').next().unwrap()));
            args.push(format!("--accept-lang={l}"));
        }
        let mut options = json!({"args": args});
        if let Some(l) = accept_language {
            options["prefs"] = json!({"intl": {"accept_languages": l}});
        }
        if let Ok(binary) = std::env::var("HOSPES_CHROMIUM") {
            options["binary"] = json!(binary);
        } else if std::path::Path::new("/usr/bin/chromium").exists() {
            options["binary"] = json!("/usr/bin/chromium");
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a WebDriver session with headless Chromium");
        let id = client.session_id().await.unwrap().expect("a session id");
        Session { client, driver_url: self.url.clone(), id, _profile: profile }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group's id is chromedriver's pid.
        let group = format!("-{}", self.child.id());
        let _ = std::process::Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser session (and its throw-away profile).
pub struct Session {
    pub client: Client,
    driver_url: String,
    id: String,
    _profile: tempfile::TempDir,
}

impl std::ops::Deref for Session {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl Session {
    async fn post(&self, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}/{path}", self.driver_url, self.id);
        let resp = reqwest::Client::new().post(url).json(&body).send().await.unwrap();
        let status = resp.status();
        let value: Value = resp.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {value}");
        value
    }

    /// Chromium's network emulation (ChromeDriver's `POST /session/{id}/chromium/network_conditions`):
    /// `latency_ms` added to each round trip, throughputs in bytes per second.
    pub async fn throttle_network(&self, latency_ms: u64, down_bytes_per_s: u64, up_bytes_per_s: u64) {
        let conditions = json!({"offline": false, "latency": latency_ms, "download_throughput": down_bytes_per_s, "upload_throughput": up_bytes_per_s});
        self.post("chromium/network_conditions", json!({"network_conditions": conditions})).await;
    }

    /// A Chrome DevTools Protocol command (ChromeDriver's `goog/cdp/execute`); its result.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.post("goog/cdp/execute", json!({"cmd": cmd, "params": params})).await["value"].take()
    }

    /// Saves a screenshot of the viewport at each of `sizes` (CSS pixels) as
    /// `target/screenshots/<name>-<w>x<h>.png`, and restores the first size.
    pub async fn shots(&self, name: &str, sizes: &[(u32, u32)]) {
        let dir = screenshots_dir();
        for &(w, h) in sizes {
            self.cdp("Emulation.setDeviceMetricsOverride", json!({"width": w, "height": h, "deviceScaleFactor": 2, "mobile": true})).await;
            tokio::time::sleep(Duration::from_millis(150)).await;
            let png = self.client.screenshot().await.unwrap();
            assert!(png.len() > 5_000, "{name} at {w}x{h} is blank");
            std::fs::write(dir.join(format!("{name}-{w}x{h}.png")), png).unwrap();
        }
        let (w, h) = sizes[0];
        self.cdp("Emulation.setDeviceMetricsOverride", json!({"width": w, "height": h, "deviceScaleFactor": 2, "mobile": true})).await;
    }

    /// Runs axe-core on the current page with the WCAG 2.0/2.1/2.2 A and AA rules and returns the
    /// serious and critical violations as "rule: target…" lines (empty when there are none).
    pub async fn axe_serious(&self) -> Vec<String> {
        let path = std::env::var("HOSPES_AXE_JS").expect("HOSPES_AXE_JS names axe-core's axe.min.js (npm install axe-core)");
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        self.client.execute(&source, vec![]).await.expect("axe-core loads");
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
              .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                  .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
              .catch(e => done(['axe failed: ' + e]));
        "#;
        let result = self.client.execute_async(script, vec![]).await.expect("axe-core runs");
        serde_json::from_value(result).unwrap()
    }
}

pub fn screenshots_dir() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
