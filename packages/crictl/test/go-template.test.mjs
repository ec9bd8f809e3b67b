// crictl's `-o go-template`: Go text/template semantics over the decoded status document, as
// cri-tools' tmplExecuteRawJSON runs them (UseNumber, missingkey=error, json/title/lower/upper).
// The expected texts are what Go's text/template and fmt print for the same template and data.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { renderGoTemplate, GoTemplateError } = require('../dist/go-template');

const doc = {
  status: { id: 'aBcd', state: 'CONTAINER_RUNNING', labels: { b: '2', a: '1' }, mounts: [], size: 123456 },
  info: { pid: 1234567, ratio: 0.5, nul: null, ok: true, args: ['sh', '-c', 'a<b&c'] },
};
const render = (t) => renderGoTemplate(t, doc);
const fails = (t, message) => assert.throws(() => render(t), (e) => e instanceof GoTemplateError && e.message === message);
const at = (pos, node, msg) => `failed to template data: template: tmplExecuteRawJSON:${pos}: executing "tmplExecuteRawJSON" at <${node}>: ${msg}`;
const parse = (line, msg) => `failed to generate go-template: template: tmplExecuteRawJSON:${line}: ${msg}`;

describe('go-template output (crictl -o go-template)', () => {
  it('fields, numbers as their JSON literals, Go\'s %v of maps and slices, nil', () => {
    assert.equal(render('{{.info.pid}}'), '1234567');
    assert.equal(render('{{.status.size}} , {{.status.id}}'), '123456 , aBcd');
    assert.equal(render('{{.info.ratio}}'), '0.5');
    assert.equal(render('{{.status.labels}}'), 'map[a:1 b:2]');
    assert.equal(render('{{.info.args}} {{.status.mounts}}'), '[sh -c a<b&c] []');
    assert.equal(render('{{.info.nul}}|{{.info.ok}}'), '<no value>|true');
    assert.equal(render('{{1e6}} {{1.5}} {{3}} {{0x10}} {{\'a\'}}'), '1e+06 1.5 3 16 97');
    assert.equal(render('{{"a\\tb"}}{{`raw\\n`}}'), 'a\tbraw\\n');
  });

  it('crictl\'s functions: json (encoder: sorted, escaped, newline), title, lower, upper', () => {
    assert.equal(render('{{json .status.labels}}'), '{"a":"1","b":"2"}\n');
    assert.equal(render('{{json .info.args}}'), '["sh","-c","a\\u003cb\\u0026c"]\n');
    assert.equal(render('{{json .info.pid}}'), '1234567\n');
    assert.equal(render('{{title .status.id}} {{lower .status.id}} {{upper .status.id}}'), 'ABcd abcd ABCD');
    assert.equal(render('{{title "hello world-wide a.b x_y"}}'), 'Hello World-Wide A.b X_y');
    assert.equal(render('{{.status.id | upper}}'), 'ABCD');
  });

  it('control structures, variables, pipelines and builtins', () => {
    assert.equal(render('{{range $k, $v := .status.labels}}{{$k}}={{$v}};{{end}}'), 'a=1;b=2;');
    assert.equal(render('{{range $i, $a := .info.args}}{{if eq $i 2}}{{break}}{{end}}[{{$a}}]{{end}}'), '[sh][-c]');
    assert.equal(render('{{range .info.args}}{{if eq . "-c"}}{{continue}}{{end}}{{.}}{{end}}'), 'sha<b&c');
    assert.equal(render('{{range .status.mounts}}m{{else}}none{{end}}'), 'none');
    assert.equal(render('{{range 3}}{{.}}{{end}}'), '012');
    assert.equal(render('{{if eq .status.state "CONTAINER_EXITED"}}x{{else if .info.ok}}ok{{else}}no{{end}}'), 'ok');
    assert.equal(render('{{with .status.labels.a}}a={{.}}{{end}}{{with .info.nul}}n{{else}}none{{end}}'), 'a=1none');
    assert.equal(render('{{$x := .status.id}}{{$x = lower $x}}{{$x}} {{$.status.state}}'), 'abcd CONTAINER_RUNNING');
    assert.equal(render('{{len .status.labels}} {{len .info.args}} {{len "héllo"}}'), '2 3 6');
    assert.equal(render('{{index .info.args 1}} {{index .status.labels "b"}} {{index .status.labels "zz"}}'), '-c 2 <no value>');
    assert.equal(render('{{(index .info.args 0) | printf "%q"}} {{slice .status.id 1 3}}'), '"sh" Bc');
    assert.equal(render('{{and .info.ok 0 .nope}} {{or 0 "" "x"}} {{not .status.mounts}}'), '0 x true');
    assert.equal(render('{{eq .info.pid "1234567"}} {{ne 1 2}} {{lt "a" "b"}} {{ge 2 2}} {{le 1.5 1.25}}'), 'true true true true false');
    assert.equal(render('{{print 1 2 "a" "b" 3}}|{{println "x" 1}}'), '1 2ab3|x 1\n');
    assert.equal(render('{{printf "%5d|%-4s|%05.2f|%x|%t|%v" 42 "ab" 3.14159 255 true .status.labels}}'), '   42|ab  |03.14|ff|true|map[a:1 b:2]');
    assert.equal(render('{{printf "%d %s" "x"}}|{{printf "%s" 1 2}}'), '%!d(string=x) %!s(MISSING)|%!s(int=1)%!(EXTRA int=2)');
    assert.equal(render('{{html "<a href=\'x\'>&"}} {{urlquery "a b&c"}}'), '&lt;a href=&#39;x&#39;&gt;&amp; a+b%26c');
  });

  it('trim markers and comments', () => {
    assert.equal(render('a  {{- .status.id -}}  \n b{{/* gone */}}c {{- /* trimmed */ -}} d'), 'aaBcdbcd');
    // Any run of white space before the trim marker, as in a template written over lines.
    assert.equal(render('{{ .status.id  -}}\n  |{{ .status.id\n  -}}\n|'), 'aBcd|aBcd|');
  });

  it('json.Number as Go has it: its methods, sliced as a string; range assigning; %T', () => {
    assert.equal(render('{{.info.pid.String}} {{.info.pid.Int64}} {{.info.ratio.Float64}} {{slice .info.pid 0 2}}'), '1234567 1234567 0.5 12');
    assert.equal(render('{{$l := ""}}{{range $l = .info.args}}{{end}}{{$l}}'), 'a<b&c');
    assert.equal(render('{{printf "%T %T %T" .info.pid 1 .status.labels}}'), 'json.Number int map[string]interface {}');
  });

  it('errors as Go words them, with crictl\'s wrapping', () => {
    fails('{{ .ImageName }}', at('1:3', '.ImageName', 'map has no entry for key "ImageName"'));
    fails('{{.status.nope.x}}', at('1:2', '.status.nope.x', 'map has no entry for key "nope"'));
    fails('x\n  {{.info.nul.x}}', at('2:4', '.info.nul.x', 'nil pointer evaluating interface {}.x'));
    fails('{{.info.pid.x}}', at('1:2', '.info.pid.x', 'can\'t evaluate field x in type json.Number'));
    fails('{{eq .info.pid 1}}', at('1:2', 'eq .info.pid 1', 'error calling eq: incompatible types for comparison'));
    fails('{{upper .info.pid}}', at('1:8', '.info.pid', 'wrong type for value; expected string; got json.Number'));
    fails('{{lt 1}}', at('1:2', 'lt', 'wrong number of args for lt: want 2 got 1'));
    fails('{{index .info.args 9}}', at('1:2', 'index .info.args 9', 'error calling index: index out of range: 9'));
    fails('{{range .status.id}}{{end}}', at('1:8', '.status.id', 'range can\'t iterate over aBcd'));
    fails('{{.status.id 1}}', at('1:2', '.status.id', 'id is not a method but has arguments'));
    fails('{{nosuch .}}', parse(1, 'function "nosuch" not defined'));
    fails('{{if .info.ok}}', parse(1, 'unexpected EOF'));
    fails('{{end}}', parse(1, 'unexpected {{end}}'));
    fails('a\n{{.status', parse(2, 'unclosed action'));
    fails('{{$y = 1}}', parse(1, 'undefined variable "$y"'));
    fails('{{break}}', parse(1, '{{break}} outside {{range}}'));
  });
});
