// `bulwark demo`: fills a new hub with an election-defence scenario written by this code: partner
// organisations, a sharing group, a publishing analyst in each organisation, and events for a spear-phishing wave, a DDoS on the
// results site and a disinformation campaign, with tags and sightings. Deterministic (fixed seed), so a
// demo looks the same on every machine; all addresses come from documentation ranges (RFC 5737, 3849)
// and all domains are under .example or .test.
#include <cstdio>
#include <random>

#include "access/roles.h"
#include "cli/app.h"

namespace bulwark::cli {
namespace {

struct DemoOrg {
  const char* name;
  const char* type;
  const char* sector;
  const char* nationality;
};

constexpr DemoOrg kOrgs[] = {
    {"EU Institutions CERT", "CERT", "Government", "European Union"},
    {"Alliance Cyber Incident Response Centre", "CERT", "Defence", "International"},
    {"National CERT of Freedonia", "CERT", "Government", "Freedonia"},
    {"National CERT of Sylvania", "CERT", "Government", "Sylvania"},
    {"Freedonia Electoral Commission", "Government", "Elections", "Freedonia"},
    {"Freedonia Telecom (ISP)", "ISP", "Telecommunications", "Freedonia"},
};

misp::AttributeInput Attr(const std::string& type, const std::string& value, const std::string& comment,
                          std::vector<std::string> tags = {}) {
  misp::AttributeInput a;
  a.attribute.type = type;
  a.attribute.value1 = value;
  a.attribute.comment = comment;
  a.raw_value = value;
  a.present = {"type", "value", "comment"};
  for (auto& t : tags) a.tags.push_back(misp::TagRef{std::move(t), false, ""});
  return a;
}

misp::EventInput Event(const std::string& info, const std::string& date, model::ThreatLevel level,
                       model::Distribution d, model::Id sg, std::vector<std::string> tags) {
  misp::EventInput e;
  e.event.info = info;
  e.event.date = date;
  e.event.threat_level = level;
  e.event.analysis = model::Analysis::kOngoing;
  e.event.distribution = d;
  e.event.sharing_group_id = sg;
  e.present = {"info", "date", "threat_level_id", "analysis", "distribution", "sharing_group_id"};
  for (auto& t : tags) e.tags.push_back(misp::TagRef{std::move(t), false, ""});
  return e;
}

access::Principal As(const access::Principal& base, const model::Organisation& org, model::Id user_id) {
  access::Principal p = base;
  p.org = org;
  p.user.id = user_id;
  p.user.org_id = org.id;
  return p;
}

}  // namespace

int RunDemo(const Config& config) {
  auto opened = OpenApp(config, CreateIfMissing::kYes);
  if (!opened.ok()) {
    std::fprintf(stderr, "bulwark demo: %s\n", opened.error().message.c_str());
    return ExitCodeFor(opened.error());
  }
  App& app = *opened.value();
  hub::Hub& hub = *app.hub;
  auto admin = OperatorPrincipal(app);
  if (!admin.ok()) {
    auto created = hub.CreateSiteAdmin("Bulwark Hub Operator", "admin@bulwark.local");
    if (!created.ok()) {
      std::fprintf(stderr, "bulwark demo: %s\n", created.error().message.c_str());
      return kExitFailure;
    }
    std::printf("site admin API key (shown once):\n%s\n", created->clear_key.c_str());
    admin = OperatorPrincipal(app);
    if (!admin.ok()) return kExitFailure;
  }
  auto fail = [](const char* what, const Error& e) {
    std::fprintf(stderr, "bulwark demo: %s: %s\n", what, e.message.c_str());
    return kExitFailure;
  };
  {
    auto existing = hub.ListOrganisations(*admin);
    if (existing.ok()) {
      for (const auto& o : *existing) {
        if (o.name == kOrgs[0].name) {
          std::printf("the demo scenario is already loaded in %s\n", config.data_dir.c_str());
          return kExitOk;
        }
      }
    }
  }
  std::fprintf(stderr, "creating partner organisations...\n");
  std::vector<model::Organisation> orgs;
  std::vector<model::Id> publishers;
  for (const auto& d : kOrgs) {
    misp::OrganisationInput in;
    in.org.name = d.name;
    in.org.type = d.type;
    in.org.sector = d.sector;
    in.org.nationality = d.nationality;
    in.present = {"name", "type", "sector", "nationality"};
    auto o = hub.AddOrganisation(*admin, in);
    if (!o.ok()) return fail("organisation", o.error());
    orgs.push_back(*o);
    misp::UserInput u;
    std::string slug;
    for (const char* c = d.name; *c; ++c) {
      if (std::isalnum(static_cast<unsigned char>(*c))) slug.push_back(static_cast<char>(std::tolower(*c)));
    }
    u.user.email = "analyst@" + slug.substr(0, 24) + ".example";
    u.user.org_id = o->id;
    u.user.role_id = access::kRolePublisher;
    u.present = {"email", "org_id", "role_id"};
    auto user = hub.AddUser(*admin, u);
    if (!user.ok()) return fail("user", user.error());
    publishers.push_back(user->id);
  }
  // The election task force: EU CERT, the alliance centre, Freedonia's CERT, its electoral commission and ISP.
  misp::SharingGroupInput sg_in;
  sg_in.sg.name = "Freedonia Election Task Force";
  sg_in.sg.description = "Partners defending the Freedonia general election";
  sg_in.sg.releasability = "Task force members only";
  sg_in.present = {"name", "description", "releasability"};
  for (size_t i : {0u, 1u, 2u, 4u, 5u}) {
    misp::SharingGroupOrgRef ref;
    ref.id = orgs[i].id;
    ref.extend = i == 2;
    sg_in.orgs.push_back(ref);
  }
  auto cert_fd = As(*admin, orgs[2], publishers[2]);
  auto sg = hub.AddSharingGroup(cert_fd, sg_in);
  if (!sg.ok()) return fail("sharing group", sg.error());

  std::mt19937 rng(20261128);
  std::fprintf(stderr, "creating events...\n");
  // 1. Spear-phishing wave against the electoral commission, shared with the task force.
  auto phishing = Event("Spear-phishing wave against Freedonia Electoral Commission staff", "2026-11-02",
                        model::ThreatLevel::kHigh, model::Distribution::kSharingGroup, sg->id,
                        {"tlp:amber", "PAP:AMBER", "phishing:techniques=\"spear-phishing\""});
  phishing.attributes = {
      Attr("email-src", "results-update@electoral-commission-fd.example", "Lookalike sender domain"),
      Attr("email-subject", "Urgent: updated polling station credentials", "Lure subject line"),
      Attr("domain", "electoral-commission-fd.example", "Registered 3 days before the wave"),
      Attr("url", "https://login.electoral-commission-fd.example/owa/auth", "Credential harvesting page"),
      Attr("ip-dst", "198.51.100.23", "Hosting of the phishing kit"),
      Attr("filename|sha256", "ballot_instructions.docm|" + std::string(64, 'a'), "Macro attachment (hash redacted)"),
      Attr("email-reply-to", "helpdesk-fd@mailbox.example", "Reply-to differs from sender"),
  };
  auto e1 = hub.AddEvent(As(*admin, orgs[2], publishers[2]), phishing);
  if (!e1.ok()) return fail("phishing event", e1.error());

  // 2. DDoS on the results site, reported by the ISP, shared with all communities.
  auto ddos = Event("DDoS against results.freedonia-elections.example during count night", "2026-11-05",
                    model::ThreatLevel::kHigh, model::Distribution::kAll, 0, {"tlp:green", "ddos:type=\"flooding-attack\""});
  ddos.attributes.push_back(Attr("domain", "results.freedonia-elections.example", "Targeted site"));
  ddos.attributes.push_back(Attr("ip-dst", "203.0.113.80", "Targeted front end"));
  std::uniform_int_distribution<int> octet(1, 254);
  for (int i = 0; i < 40; ++i) {
    const std::string src = "192.0.2." + std::to_string(octet(rng));
    ddos.attributes.push_back(Attr("ip-src", src, "Top talker in the SYN flood"));
  }
  ddos.attributes.push_back(Attr("AS", "AS64511", "Origin of most flood traffic (documentation ASN)"));
  // The booter's control panel sits in the netblock that also hosts the phishing kit: a CIDR correlation.
  ddos.attributes.push_back(Attr("ip-src", "198.51.100.0/24", "Netblock of the booter control panel"));
  auto e2 = hub.AddEvent(As(*admin, orgs[5], publishers[5]), ddos);
  if (!e2.ok()) return fail("DDoS event", e2.error());

  // 3. Disinformation campaign, from the EU CERT, to this community.
  auto disinfo = Event("Coordinated inauthentic accounts pushing fake 'polls closed early' claims", "2026-11-04",
                       model::ThreatLevel::kMedium, model::Distribution::kCommunity, 0, {"tlp:clear"});
  disinfo.attributes = {
      Attr("url", "https://news-freedonia-today.example/polls-closed-early", "Fabricated article"),
      Attr("domain", "news-freedonia-today.example", "Impersonates a national broadcaster"),
      Attr("text", "Polls in the capital closed at 14:00 due to a bomb threat", "Narrative being amplified"),
      Attr("twitter-id", "fd_truth_now_1", "Seed account of the cluster"),
      Attr("twitter-id", "fd_truth_now_2", "Co-sharing within 60 s of the seed"),
  };
  auto e3 = hub.AddEvent(As(*admin, orgs[0], publishers[0]), disinfo);
  if (!e3.ok()) return fail("disinformation event", e3.error());

  // 4. Internal triage note of the Sylvanian CERT: organisation only.
  auto internal = Event("Sylvania CERT internal triage: suspicious logins on party webmail", "2026-11-03",
                        model::ThreatLevel::kLow, model::Distribution::kOrganisation, 0, {"tlp:red"});
  internal.attributes = {Attr("ip-src", "198.51.100.77", "Repeated failed logins"),
                         Attr("ip-src", "198.51.100.23", "Also logged in successfully once: the phishing kit's host")};
  auto e4 = hub.AddEvent(As(*admin, orgs[3], publishers[3]), internal);
  if (!e4.ok()) return fail("internal event", e4.error());

  // Publish the shared events and report sightings from partners.
  for (auto [event, org, user] : {std::tuple{&*e1, 2, 2}, std::tuple{&*e2, 5, 5}, std::tuple{&*e3, 0, 0}}) {
    auto pub = hub.PublishEvent(As(*admin, orgs[org], publishers[user]), hub::EventRef{std::to_string(event->id)}, true);
    if (!pub.ok()) return fail("publish", pub.error());
  }
  for (size_t i : {0u, 1u, 4u}) {
    misp::SightingInput s;
    s.value = "198.51.100.23";
    s.sighting.source = "mail gateway";
    auto added = hub.AddSightings(As(*admin, orgs[i], publishers[i]), s);
    if (!added.ok()) return fail("sighting", added.error());
  }
  std::printf("demo scenario loaded into %s: %zu organisations, 1 sharing group, 4 events\n", config.data_dir.c_str(),
              orgs.size() + 1);
  return kExitOk;
}

}  // namespace bulwark::cli
