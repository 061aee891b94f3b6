#include "store/sqlite/rows.h"

namespace bulwark::store::sqlite {
namespace {

template <typename E>
E Enum(const Stmt& s, int col) {
  return static_cast<E>(static_cast<std::underlying_type_t<E>>(s.Int(col)));
}

}  // namespace

model::Organisation ReadOrganisation(const Stmt& s, int c) {
  model::Organisation o;
  o.id = s.Int(c);
  o.uuid = s.Text(c + 1);
  o.name = s.Text(c + 2);
  o.description = s.Text(c + 3);
  o.type = s.Text(c + 4);
  o.sector = s.Text(c + 5);
  o.nationality = s.Text(c + 6);
  o.contacts = s.Text(c + 7);
  o.local = s.Bool(c + 8);
  o.created = s.Int(c + 9);
  o.modified = s.Int(c + 10);
  return o;
}

model::Role ReadRole(const Stmt& s, int c) {
  model::Role r;
  r.id = s.Int(c);
  r.name = s.Text(c + 1);
  r.permissions = static_cast<model::PermissionSet>(s.Int(c + 2));
  r.default_role = s.Bool(c + 3);
  r.created = s.Int(c + 4);
  r.modified = s.Int(c + 5);
  return r;
}

model::User ReadUser(const Stmt& s, int c) {
  model::User u;
  u.id = s.Int(c);
  u.email = s.Text(c + 1);
  u.org_id = s.Int(c + 2);
  u.role_id = s.Int(c + 3);
  u.disabled = s.Bool(c + 4);
  u.created = s.Int(c + 5);
  u.modified = s.Int(c + 6);
  return u;
}

model::ApiKey ReadApiKey(const Stmt& s, int c) {
  model::ApiKey k;
  k.id = s.Int(c);
  k.uuid = s.Text(c + 1);
  k.user_id = s.Int(c + 2);
  k.key_hash = s.Text(c + 3);
  k.key_start = s.Text(c + 4);
  k.key_end = s.Text(c + 5);
  k.expiration = s.OptInt(c + 6);
  k.read_only = s.Bool(c + 7);
  k.comment = s.Text(c + 8);
  k.created = s.Int(c + 9);
  return k;
}

model::SharingGroup ReadSharingGroup(const Stmt& s, int c) {
  model::SharingGroup g;
  g.id = s.Int(c);
  g.uuid = s.Text(c + 1);
  g.name = s.Text(c + 2);
  g.description = s.Text(c + 3);
  g.releasability = s.Text(c + 4);
  g.org_id = s.Int(c + 5);
  g.active = s.Bool(c + 6);
  g.local = s.Bool(c + 7);
  g.roaming = s.Bool(c + 8);
  g.created = s.Int(c + 9);
  g.modified = s.Int(c + 10);
  return g;
}

model::Tag ReadTag(const Stmt& s, int c) {
  model::Tag t;
  t.id = s.Int(c);
  t.name = s.Text(c + 1);
  t.colour = s.Text(c + 2);
  t.exportable = s.Bool(c + 3);
  t.hide_tag = s.Bool(c + 4);
  t.is_galaxy = s.Bool(c + 5);
  t.local_only = s.Bool(c + 6);
  t.org_id = s.Int(c + 7);
  t.user_id = s.Int(c + 8);
  if (!s.IsNull(c + 9)) t.numerical_value = static_cast<int>(s.Int(c + 9));
  return t;
}

model::Event ReadEvent(const Stmt& s, int c) {
  model::Event e;
  e.id = s.Int(c);
  e.uuid = s.Text(c + 1);
  e.info = s.Text(c + 2);
  e.date = s.Text(c + 3);
  e.org_id = s.Int(c + 4);
  e.orgc_id = s.Int(c + 5);
  e.user_id = s.Int(c + 6);
  e.published = s.Bool(c + 7);
  e.publish_timestamp = s.Int(c + 8);
  e.timestamp = s.Int(c + 9);
  e.sighting_timestamp = s.Int(c + 10);
  e.distribution = Enum<model::Distribution>(s, c + 11);
  e.sharing_group_id = s.Int(c + 12);
  e.analysis = Enum<model::Analysis>(s, c + 13);
  e.threat_level = Enum<model::ThreatLevel>(s, c + 14);
  e.locked = s.Bool(c + 15);
  e.disable_correlation = s.Bool(c + 16);
  e.protected_event = s.Bool(c + 17);
  e.extends_uuid = s.Text(c + 18);
  e.attribute_count = s.Int(c + 19);
  return e;
}

model::Attribute ReadAttribute(const Stmt& s, int c) {
  model::Attribute a;
  ReadAttributeInto(s, c, a);
  return a;
}

void ReadAttributeInto(const Stmt& s, int c, model::Attribute& a) {
  a.id = s.Int(c);
  a.event_id = s.Int(c + 1);
  a.object_id = s.Int(c + 2);
  a.object_relation.assign(s.TextView(c + 3));
  a.uuid.assign(s.TextView(c + 4));
  a.type.assign(s.TextView(c + 5));
  a.category.assign(s.TextView(c + 6));
  a.value1.assign(s.TextView(c + 7));
  a.value2.assign(s.TextView(c + 8));
  a.to_ids = s.Bool(c + 9);
  a.distribution = Enum<model::Distribution>(s, c + 10);
  a.sharing_group_id = s.Int(c + 11);
  a.comment.assign(s.TextView(c + 12));
  a.deleted = s.Bool(c + 13);
  a.disable_correlation = s.Bool(c + 14);
  a.timestamp = s.Int(c + 15);
  a.first_seen_micros = s.OptInt(c + 16);
  a.last_seen_micros = s.OptInt(c + 17);
}

model::Object ReadObject(const Stmt& s, int c) {
  model::Object o;
  o.id = s.Int(c);
  o.event_id = s.Int(c + 1);
  o.uuid = s.Text(c + 2);
  o.name = s.Text(c + 3);
  o.meta_category = s.Text(c + 4);
  o.description = s.Text(c + 5);
  o.template_uuid = s.Text(c + 6);
  o.template_version = s.Text(c + 7);
  o.comment = s.Text(c + 8);
  o.distribution = Enum<model::Distribution>(s, c + 9);
  o.sharing_group_id = s.Int(c + 10);
  o.deleted = s.Bool(c + 11);
  o.timestamp = s.Int(c + 12);
  o.first_seen_micros = s.OptInt(c + 13);
  o.last_seen_micros = s.OptInt(c + 14);
  return o;
}

model::ObjectReference ReadReference(const Stmt& s, int c) {
  model::ObjectReference r;
  r.id = s.Int(c);
  r.uuid = s.Text(c + 1);
  r.object_id = s.Int(c + 2);
  r.event_id = s.Int(c + 3);
  r.source_uuid = s.Text(c + 4);
  r.referenced_uuid = s.Text(c + 5);
  r.referenced_type = s.Text(c + 6);
  r.relationship_type = s.Text(c + 7);
  r.comment = s.Text(c + 8);
  r.deleted = s.Bool(c + 9);
  r.timestamp = s.Int(c + 10);
  return r;
}

model::Sighting ReadSighting(const Stmt& s, int c) {
  model::Sighting x;
  x.id = s.Int(c);
  x.uuid = s.Text(c + 1);
  x.attribute_id = s.Int(c + 2);
  x.event_id = s.Int(c + 3);
  x.org_id = s.Int(c + 4);
  x.date_sighting = s.Int(c + 5);
  x.source = s.Text(c + 6);
  x.type = Enum<model::SightingType>(s, c + 7);
  return x;
}

model::AuditEntry ReadAudit(const Stmt& s, int c) {
  model::AuditEntry a;
  a.id = s.Int(c);
  a.created_micros = s.Int(c + 1);
  a.user_id = s.Int(c + 2);
  a.org_id = s.Int(c + 3);
  a.ip = s.Text(c + 4);
  a.action = s.Text(c + 5);
  a.model = s.Text(c + 6);
  a.model_id = s.Int(c + 7);
  a.model_uuid = s.Text(c + 8);
  a.title = s.Text(c + 9);
  a.change = s.Text(c + 10);
  return a;
}

model::Alert ReadAlert(const Stmt& s, int c) {
  model::Alert a;
  a.id = s.Int(c);
  a.created = s.Int(c + 1);
  a.org_id = s.Int(c + 2);
  a.user_id = s.Int(c + 3);
  a.source = s.Text(c + 4);
  a.event_id = s.Int(c + 5);
  a.event_uuid = s.Text(c + 6);
  a.attribute_id = s.Int(c + 7);
  a.attribute_uuid = s.Text(c + 8);
  a.value = s.Text(c + 9);
  a.sighting_id = s.Int(c + 10);
  a.acknowledged = s.Int(c + 11) != 0;
  a.acknowledged_by = s.Int(c + 12);
  a.acknowledged_at = s.Int(c + 13);
  return a;
}

model::Change ReadChange(const Stmt& s, int c) {
  model::Change ch;
  ch.seq = s.Int(c);
  ch.entity = s.Text(c + 1);
  ch.uuid = s.Text(c + 2);
  ch.event_id = s.Int(c + 3);
  ch.action = Enum<model::ChangeAction>(s, c + 4);
  ch.time_micros = s.Int(c + 5);
  return ch;
}

std::string DeletedCondition(DeletedFilter filter, const char* alias) {
  switch (filter) {
    case DeletedFilter::kInclude: return {};
    case DeletedFilter::kExclude: return std::string(" AND ") + alias + ".deleted = 0";
    case DeletedFilter::kOnly: return std::string(" AND ") + alias + ".deleted = 1";
  }
  return {};
}

}  // namespace bulwark::store::sqlite
