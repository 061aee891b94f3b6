// model -> MISP JSON written directly as text, for the hot paths: events/add and events/edit replies, events/view
// (streamed), both restSearch routes. The JSON tree renderers of misp_json.h (RenderAttribute, RenderObject,
// RenderEvent, RenderTag...) parse this text, so each shape and key order is defined once, here.
//
// Thread-safety: free functions over caller-owned strings.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>

#include "common/result.h"
#include "misp/misp_json.h"
#include "model/entities.h"

namespace bulwark::misp {

void WriteTag(std::string& out, const model::Tag&);                // MISP Tag object
void WriteAppliedTag(std::string& out, const model::AppliedTag&);  // Tag object + "local"
// An attribute as attributes/view writes it; with an event, also "Event": {org_id, distribution, id, info,
// orgc_id, uuid} as attributes/restSearch does.
void WriteAttribute(std::string& out, const model::Attribute&, const model::Event* event);
// One element of an event's Attribute[] (adds Galaxy[] and ShadowAttribute[], never "Event").
void WriteEventAttribute(std::string& out, const model::Attribute&);
void WriteObjectReference(std::string& out, const model::ObjectReference&);
// An object with its ObjectReference[] and, if `include_attributes`, its Attribute[] (else []).
void WriteObject(std::string& out, const model::Object&, bool include_attributes);
// The object inside {"Event": ...} as RenderEvent describes it.
void WriteEvent(std::string& out, const model::Event&, const RenderContext&);

// An event's JSON text around its two child lists, so that writers can put the children in piece by piece:
// `head` ends just inside `"Attribute":[`, `middle` runs from that list's `]` to just inside `"Object":[`, and
// `tail` is the rest. Made from a rendered value whose event has empty lists (RenderEvent with
// include_attributes = false, possibly enveloped as {"Event": ...} and annotated); an error if it has no such
// lists.
struct EventFrame {
  std::string head;
  std::string middle;
  std::string tail;
};
Result<EventFrame> FrameEvent(const boost::json::value& rendered_event);

// Appends the members of `extra` to the JSON object whose text ends `out` (its closing '}'): how per-request
// annotations (warnings, correlations, decay scores) join an attribute written as text. No-op when `extra` is
// empty.
void AppendMembers(std::string& out, const boost::json::object& extra);

}  // namespace bulwark::misp
