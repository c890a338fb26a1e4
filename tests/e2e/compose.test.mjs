// Validates docker-compose.yml and docker/Dockerfile without a Docker engine (none runs here):
// Debian's docker-compose 1.29 checks a file with `config` and prints it normalised.
//
//   node --test tests/e2e/compose.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const composeFile = path.join(root, 'docker-compose.yml');

function run(command, args, input) {
  return spawnSync(command, args, { cwd: root, encoding: 'utf8', input, timeout: 60000 });
}

const hasCompose = run('docker-compose', ['version']).status === 0;
const skip = hasCompose ? false : 'docker-compose is missing (apt-get install -y docker-compose)';

// docker-compose 1.29 is Python and depends on python3-yaml: use it to read its own output.
function yamlToObject(text) {
  const result = run('python3', ['-c',
    'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], text);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

// Short ("8000:8000") or long ({published, target}) port syntax, as [published, target].
function portPairs(service) {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') return [Number(port.published), Number(port.target)];
    const parts = String(port).split(':');
    return [Number(parts.at(-2)), Number(parts.at(-1).split('/')[0])];
  });
}

// A missing tool must turn the suite red, not skip it quietly.
it('docker-compose is installed', () => assert.ok(hasCompose, skip));

describe('docker-compose.yml', { skip }, () => {
  it('is valid (docker-compose config -q exits 0)', () => {
    const result = run('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q']);
    assert.equal(result.status, 0, `docker-compose config -q failed:\n${result.stderr}`);
  });

  it('defines chatd on 8080 and 6667 (IRC) and wsproxy on 8000, pointed at chatd and the web app', () => {
    const result = run('docker-compose', ['-f', 'docker-compose.yml', 'config']);
    assert.equal(result.status, 0, result.stderr);
    const config = yamlToObject(result.stdout);
    const { chatd, wsproxy } = config.services ?? {};
    assert.ok(chatd, 'a chatd service');
    assert.ok(wsproxy, 'a wsproxy service');

    assert.deepEqual(portPairs(chatd), [[8080, 8080], [6667, 6667]]);
    assert.deepEqual(portPairs(wsproxy), [[8000, 8000]]);

    const command = [].concat(wsproxy.command).join(' ');
    assert.match(command, /--upstream chatd:8080/);
    assert.match(command, /--webroot \/srv\/webapp/);
    assert.match(command, /--port 8000/);
    assert.match([].concat(chatd.command).join(' '), /--port 8080/);
    // Its database in a volume, so that accounts and history outlive the container.
    assert.match([].concat(chatd.command).join(' '), /--db \/data\/chatd\.db/);
    assert.ok((chatd.volumes ?? []).some((volume) => String(volume.target ?? volume).includes('/data')),
      JSON.stringify(chatd.volumes));
    const dependsOn = Array.isArray(wsproxy.depends_on) ? wsproxy.depends_on : Object.keys(wsproxy.depends_on ?? {});
    assert.deepEqual(dependsOn, ['chatd']);

    for (const service of [chatd, wsproxy]) {
      assert.equal(path.resolve(root, service.build.context), root);
      assert.equal(service.build.dockerfile, 'docker/Dockerfile');
    }
  });

  it('rejects a broken file (the check is real)', () => {
    const broken = path.join(fs.mkdtempSync('/tmp/compose-'), 'docker-compose.yml');
    fs.writeFileSync(broken, 'services:\n  chatd:\n    ports: 8080\n');
    const result = run('docker-compose', ['-f', broken, 'config', '-q']);
    assert.notEqual(result.status, 0);
    fs.rmSync(path.dirname(broken), { recursive: true });
  });
});

describe('docker/Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(root, 'docker/Dockerfile'), 'utf8');

  it('builds on debian:12 with every -dev package scripts/setup.sh installs for the build', () => {
    assert.match(dockerfile, /^FROM debian:12 AS build$/m);
    const setup = fs.readFileSync(path.join(root, 'scripts/setup.sh'), 'utf8');
    const list = /packages=\(([^)]*)\)/.exec(setup)[1].split(/\s+/).filter(Boolean);
    const needed = ['cmake', 'g++', ...list.filter((pkg) => pkg.endsWith('-dev'))];
    assert.ok(needed.length >= 8, `setup.sh lists ${needed}`);
    for (const pkg of needed) {
      assert.match(dockerfile, new RegExp(`\\s${pkg.replace(/\+/g, '\\+')}(\\s|$)`, 'm'), pkg);
    }
    assert.match(dockerfile, /cmake -S \. -B build -DCMAKE_BUILD_TYPE=Release/);
    assert.match(dockerfile, /cmake --build build/);
  });

  it('runs from debian:12-slim with the packages of every library the binaries link', () => {
    assert.match(dockerfile, /^FROM debian:12-slim\b/m);
    // What the binaries built here link (their own NEEDED entries; apt brings what those
    // libraries need in turn), as Debian packages (minus those debian:12-slim has).
    const inSlim = new Set(['libc6', 'libgcc-s1', 'libstdc++6', 'libbsd0', 'libmd0', 'libtinfo6']);
    const buildDir = process.env.CHAT_BUILD_DIR ?? path.join(root, 'build');
    const libraries = new Set();
    for (const binary of ['chatd/chatd', 'wsproxy/wsproxy', 'cli/chat']) {
      const file = path.join(buildDir, binary);
      const linked = run('ldd', [file]);
      assert.equal(linked.status, 0, linked.stderr);
      const paths = new Map([...linked.stdout.matchAll(/^\s*(\S+) => (\/\S+)/gm)].map((m) => [m[1], m[2]]));
      const dynamic = run('readelf', ['-d', file]);
      assert.equal(dynamic.status, 0, dynamic.stderr);
      for (const [, soname] of dynamic.stdout.matchAll(/\(NEEDED\)\s+Shared library: \[(\S+)\]/g)) {
        assert.ok(paths.has(soname), `${soname} of ${binary} not found by ldd`);
        libraries.add(paths.get(soname).replace(/^\/lib\//, '/usr/lib/'));
      }
    }
    const owners = run('dpkg', ['-S', ...libraries]);
    const packages = new Set(owners.stdout.split('\n').filter(Boolean).map((line) => line.split(':')[0]));
    assert.ok(packages.has('libfmt9'), [...packages].join(' '));
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    for (const pkg of packages) {
      if (!inSlim.has(pkg) && !/^lib(asan|ubsan)/.test(pkg)) {
        assert.match(runtime, new RegExp(`\\s${pkg.replace(/\+/g, '\\+')}(\\s|$)`, 'm'), `${pkg} missing from the runtime image`);
      }
    }
    assert.match(dockerfile, /COPY --from=build \S+ \/usr\/local\/bin\//);
    assert.match(dockerfile, /COPY webapp\/ \/srv\/webapp\//);
  });

  it('keeps host build trees out of the build context', () => {
    const ignore = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['build', 'node_modules', '.git']) assert.ok(ignore.includes(entry), entry);
    assert.ok(!ignore.includes('webapp'));
  });
});
