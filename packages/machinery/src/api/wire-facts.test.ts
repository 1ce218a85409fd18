// Guards wire compatibility: every package, message, field (number, type, label), enum value, RPC and
// streaming kind of the generated descriptors must equal api/wire-facts.txt, a list taken from the
// compiled Talos and COSI protos. A change to a .proto that alters the wire fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isFieldSet, type DescFile } from '@bufbuild/protobuf';
import { FieldDescriptorProtoSchema, type DescriptorProto, type EnumDescriptorProto } from '@bufbuild/protobuf/wkt';
import { file_cluster_cluster } from './gen/cluster/cluster_pb.ts';
import { file_cosi_meta } from './gen/cosi/meta_pb.ts';
import { file_cosi_state } from './gen/cosi/state_pb.ts';
import { file_inspect_inspect } from './gen/inspect/inspect_pb.ts';
import { file_machine_machine } from './gen/machine/machine_pb.ts';
import { file_security_security } from './gen/security/security_pb.ts';

const factsPath = join(import.meta.dirname, '../../api/wire-facts.txt');

function enumFacts(prefix: string, enums: EnumDescriptorProto[], out: string[]): void {
  for (const e of enums) for (const v of e.value) out.push(`enum ${prefix}.${e.name} ${v.name}=${v.number}`);
}

function messageFacts(prefix: string, messages: DescriptorProto[], out: string[]): void {
  for (const m of messages) {
    const name = `${prefix}.${m.name}`;
    const reserved = `${m.reservedRange.map((r) => `${r.start}-${r.end}`).join(',')}/${m.reservedName.join(',')}`;
    const oneofs = m.oneofDecl.map((o) => o.name).join(',');
    out.push(`msg ${name} map=${String(m.options?.mapEntry === true)} oneofs=${oneofs} reserved=${reserved}`);
    for (const f of m.field) {
      const oneof = isFieldSet(f, FieldDescriptorProtoSchema.field.oneofIndex) ? String(f.oneofIndex) : '-';
      out.push(
        `field ${name}.${f.name} #${f.number} t=${f.type} ${f.typeName} l=${f.label} ` +
          `opt3=${String(f.proto3Optional)} oneof=${oneof} json=${f.jsonName}`,
      );
    }
    messageFacts(name, m.nestedType, out);
    enumFacts(name, m.enumType, out);
  }
}

function wireFacts(roots: DescFile[]): string[] {
  const files = new Map<string, DescFile>();
  const visit = (f: DescFile): void => {
    if (files.has(f.name)) return;
    files.set(f.name, f);
    f.dependencies.forEach(visit);
  };
  roots.forEach(visit);
  const out: string[] = [];
  for (const { proto: f } of files.values()) {
    if (f.package === 'google.protobuf') continue;
    messageFacts(f.package, f.messageType, out);
    enumFacts(f.package, f.enumType, out);
    for (const x of f.extension) out.push(`ext ${f.package}.${x.name} ${x.extendee} #${x.number} t=${x.type}`);
    for (const s of f.service) {
      for (const r of s.method) {
        const cs = String(r.clientStreaming);
        const ss = String(r.serverStreaming);
        out.push(`rpc ${f.package}.${s.name}/${r.name} ${r.inputType} cs=${cs} ${r.outputType} ss=${ss}`);
      }
    }
    out.push(`syntax ${f.package} ${f.syntax}`);
  }
  return [...new Set(out)].sort();
}

test('the generated API has the wire facts of the Talos and COSI protos', () => {
  const want = readFileSync(factsPath, 'utf8').trimEnd().split('\n');
  const have = wireFacts([
    file_machine_machine,
    file_security_security,
    file_cluster_cluster,
    file_inspect_inspect,
    file_cosi_state,
    file_cosi_meta,
  ]);
  const missing = want.filter((l) => !have.includes(l));
  const extra = have.filter((l) => !want.includes(l));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, 'a .proto change altered the wire format');
});
