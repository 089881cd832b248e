#!/usr/bin/env python3
"""Browser test of the operator web console: resend one dead-lettered batch the way an operator does.

    $(tools/pyenv console)/python tools/console-browser-test.py --url https://127.0.0.1:PORT/ \
        --ca CA.pem --cert OPERATOR.pem --key OPERATOR-KEY.pem --batch BATCH_ID --out DIR [--timeout 120]

Headless Debian Chromium, driven by Debian's chromedriver through Selenium, signs in with the operator's
client certificate (mutual TLS) and verifies the console's server certificate against --ca (no
--ignore-certificate-errors). It walks: overview -> dead letters -> tick --batch -> confirm -> the batch
page (after the 303), then reloads until the batch reads "delivered". Each step leaves NN-name.png and
NN-name.html in --out; a failure leaves 99-failure.png/.html (and 99-chromedriver.log), one line on
stderr and exit status 1.

How Chromium gets the certificates, all inside a throwaway HOME so that parallel runs share nothing:
- Chromium on Linux reads trust anchors and client certificates from the NSS database $HOME/.pki/nssdb:
  the CA goes in as a trusted CA ("C,,"), the operator certificate and key as PKCS#12.
- Headless Chromium cannot show the certificate picker: without the AutoSelectCertificateForUrls policy
  the page load hangs. The policy goes in for this run only, through the profile's "Local State" key
  local_test_policies_for_next_startup: what chrome://policy/test writes for the next start, which
  Debian's Chromium (no release channel) honours and Google Chrome stable would not. Nothing machine-wide,
  then: no /etc/chromium/policies file. The pattern is this console's origin only, the filter the
  issuer CN of the operator certificate. (Chromium shows a "test policies" bar, so the page area is 1280x800.)
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
STEP_WAIT = 30  # seconds for one page to load or one element to appear
STATUSES = ("pending", "delivered", "dead-lettered")


class Failure(Exception):
    """A check of the scenario failed; the message is the one-line reason."""


def run(*cmd, stdin=None):
    """Run a tool (openssl, certutil, pk12util); on failure raise with its own error text."""
    done = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise Failure(f"{cmd[0]} failed: {lines[-1] if lines else f'exit status {done.returncode}'}")
    return done.stdout


def pem_certificates(path):
    """The PEM certificate blocks of a file, in order (a leaf may be followed by its chain)."""
    with open(path) as f:
        blocks = re.findall(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----\n?", f.read(), re.S)
    if not blocks:
        raise Failure(f"no PEM certificate in {path}")
    return blocks


def issuer_cn(cert_pem):
    """The issuer's common name of one PEM certificate (the CA that signed it)."""
    text = run("openssl", "x509", "-noout", "-issuer", "-nameopt", "multiline,utf8,-esc_msb", stdin=cert_pem)
    match = re.search(r"^\s*commonName\s*=\s*(.+)$", text, re.M)
    if not match:
        raise Failure(f"the operator certificate's issuer has no CN: {text.strip()}")
    return match.group(1).strip()


def make_nss_db(home, ca, cert, key):
    """$HOME/.pki/nssdb holding every certificate of --ca as a trusted CA and the operator's cert + key."""
    db = "sql:" + os.path.join(home, ".pki", "nssdb")
    os.makedirs(db[4:], mode=0o700)
    run("certutil", "-N", "--empty-password", "-d", db)
    for i, block in enumerate(pem_certificates(ca)):
        run("certutil", "-A", "-d", db, "-n", f"console-test-ca-{i}", "-t", "C,,", "-a", stdin=block)
    leaf, *chain = pem_certificates(cert)
    leaf_file, chain_file, p12 = (os.path.join(home, n) for n in ("operator.pem", "chain.pem", "operator.p12"))
    with open(leaf_file, "w") as f:
        f.write(leaf)
    export = ["openssl", "pkcs12", "-export", "-in", leaf_file, "-inkey", key,  # PKCS#8 or "EC PRIVATE KEY"
              "-name", "console-test-operator", "-out", p12, "-passout", "pass:"]
    if chain:
        with open(chain_file, "w") as f:
            f.write("".join(chain))
        export += ["-certfile", chain_file]
    run(*export)
    run("pk12util", "-i", p12, "-d", db, "-W", "")
    return leaf


def write_policy(user_data_dir, url, leaf):
    """AutoSelectCertificateForUrls for this run's profile only: the console's origin, the operator's CA."""
    parts = urllib.parse.urlsplit(url)
    rule = {"pattern": f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}",
            "filter": {"ISSUER": {"CN": issuer_cn(leaf)}}}
    # level 1 = mandatory, scope 0 = user, source 0 = enterprise default (components/policy policy_types.h)
    policies = [{"level": 1, "scope": 0, "source": 0,
                 "name": "AutoSelectCertificateForUrls", "value": [json.dumps(rule)]}]
    os.makedirs(user_data_dir)
    with open(os.path.join(user_data_dir, "Local State"), "w") as f:
        json.dump({"local_test_policies_for_next_startup": json.dumps(policies)}, f)


def start_browser(home, log_file):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                 f"--user-data-dir={os.path.join(home, 'profile')}"):
        options.add_argument(flag)
    # HOME is what makes Chromium open our NSS db; chromedriver passes its environment on to Chromium.
    service = Service(executable_path=CHROMEDRIVER, env={**os.environ, "HOME": home}, log_output=log_file)
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(STEP_WAIT)  # a missing client certificate shows as a hanging load
    return driver


def css_string(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Scenario:
    def __init__(self, driver, args):
        self.driver, self.args = driver, args

    def wait_for(self, selector, what):
        try:
            return WebDriverWait(self.driver, STEP_WAIT).until(
                EC.presence_of_element_located((By.CSS_SELECTOR, selector)))
        except TimeoutException:
            # a Chromium error page or interstitial names its cause, e.g. NET::ERR_CERT_AUTHORITY_INVALID
            body = " ".join(b.text for b in self.driver.find_elements(By.TAG_NAME, "body"))
            error = re.search(r"\b(?:NET::)?ERR_[A-Z_]+", body)
            raise Failure(f"{what}: no {selector} on {self.driver.current_url} (title {self.driver.title!r}"
                          f"{', ' + error.group(0) if error else ''}) after {STEP_WAIT}s") from None

    def save(self, name):
        base = os.path.join(self.args.out, name)
        self.driver.save_screenshot(base + ".png")
        with open(base + ".html", "w") as f:
            f.write(self.driver.page_source)

    def status(self):
        text = self.wait_for("#batch-status", "batch page").text.strip()
        if text not in STATUSES:
            raise Failure(f"#batch-status reads {text!r}, not one of {', '.join(STATUSES)}")
        return text

    def run(self):
        d, batch = self.driver, self.args.batch
        try:
            d.get(self.args.url)
        except TimeoutException:
            raise Failure(f"{self.args.url} did not load in {STEP_WAIT}s: was the client certificate "
                          "presented (AutoSelectCertificateForUrls) and the server certificate trusted?") from None

        # a. overview
        link = self.wait_for("a#dead-letters", "overview page")
        self.save("01-overview")
        link.click()

        # b. dead letters: tick --batch
        self.wait_for("form#resend-form", "dead-letters page")
        rows = d.find_elements(By.CSS_SELECTOR, f"tr[data-batch={css_string(batch)}]")
        if not rows:
            raise Failure(f"batch {batch} is not on the dead-letters page ({d.current_url})")
        box = rows[0].find_element(By.CSS_SELECTOR, f'input[name="batch"][value={css_string(batch)}]')
        if not box.is_selected():
            box.click()
        if not box.is_selected():
            raise Failure(f"the checkbox of batch {batch} does not stay ticked")
        self.save("02-dead-letters")
        d.find_element(By.CSS_SELECTOR, "button#resend-selected").click()

        # c. confirmation
        confirm = self.wait_for("button#confirm-resend", "confirmation page")
        self.wait_for("a#cancel", "confirmation page")
        if batch not in d.find_element(By.TAG_NAME, "body").text:
            raise Failure(f"the confirmation page does not list batch {batch}")
        self.save("03-confirm")
        confirm.click()

        # d. the batch page (after a 303), then reload until delivered
        status = self.status()
        path = urllib.parse.urlsplit(d.current_url).path
        if path.rstrip("/") != f"/batches/{batch}":
            raise Failure(f"after confirming, the browser is on {d.current_url}, not /batches/{batch}")
        flash = self.wait_for("#flash", "batch page").text.strip()
        if not flash:
            raise Failure("the batch page after the resend shows no #flash message")
        self.save("04-resent")
        deadline = time.monotonic() + self.args.timeout
        seen_pending = status == "pending"
        while status != "delivered":
            if status == "dead-lettered" and seen_pending:
                raise Failure(f"batch {batch} went back to dead-lettered after the resend")
            if time.monotonic() > deadline:
                raise Failure(f"batch {batch} still {status} {self.args.timeout}s after the resend")
            time.sleep(0.5)
            d.refresh()
            status = self.status()
            seen_pending = seen_pending or status == "pending"
        self.save("05-delivered")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the console, e.g. https://127.0.0.1:PORT/")
    parser.add_argument("--ca", required=True, help="PEM: the CA(s) that signed the console's server certificate")
    parser.add_argument("--cert", required=True, help="PEM: the operator's client certificate (chain may follow)")
    parser.add_argument("--key", required=True, help="PEM: the operator's private key")
    parser.add_argument("--batch", required=True, help="id of a dead-lettered batch to resend")
    parser.add_argument("--out", required=True, help="directory for the screenshots and page sources")
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for 'delivered'")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    home = tempfile.mkdtemp(prefix="console-browser-test-")
    log_file = os.path.join(home, "chromedriver.log")
    driver = None
    try:
        leaf = make_nss_db(home, args.ca, args.cert, args.key)
        write_policy(os.path.join(home, "profile"), args.url, leaf)
        driver = start_browser(home, log_file)
        Scenario(driver, args).run()
        print(f"console: batch {args.batch} delivered after resend")
        return 0
    except (Failure, WebDriverException, OSError) as e:
        reason = (str(e) if isinstance(e, Failure) else
                  f"{type(e).__name__}: {e.msg if isinstance(e, WebDriverException) else e}")
        if driver is not None:
            try:
                Scenario(driver, args).save("99-failure")
            except WebDriverException:
                pass
        if os.path.exists(log_file):
            shutil.copy(log_file, os.path.join(args.out, "99-chromedriver.log"))
        print(f"console-browser-test: FAILED: {' '.join(reason.split())}", file=sys.stderr)
        return 1
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
