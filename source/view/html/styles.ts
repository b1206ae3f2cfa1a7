/**
 * The report's one stylesheet: system fonts only (nothing to fetch), light and dark by
 * `prefers-color-scheme`, and a print layout that fits A4 and letter alike (12 mm
 * margins, drawings scaled to the page width, a finding never split across pages).
 * The inline SVGs are styled from here too, through the same colour variables.
 */
export const css = `
:root{--bg:#fff;--fg:#1b1f24;--muted:#5b6470;--line:#d0d7de;--panel:#f6f8fa;--accent:#0969da;--ok:#1a7f37;--warn:#9a6700;--error:#cf222e;--warnbg:#fff8c5;--errbg:#ffebe9;--okbg:#dafbe1;
--gpu:#ddf4ff;--nic:#fbefff;--cpu:#eaeef2;--pci:#f6f8fa;--nvs:#c8e1ff;--net:#ffeff7;
--p-kernels:#8fb8ff;--p-alloc:#b4a7ff;--p-bootstrap:#f0b64a;--p-allgathers:#7ad1c1;--p-topo:#9bd37a;--p-graphs:#5fb3b3;--p-connections:#e58fb5;--p-rest:#c3c9d1;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#8d96a0;--line:#30363d;--panel:#161b22;--accent:#4493f8;--ok:#3fb950;--warn:#d29922;--error:#f85149;--warnbg:#3a2d0a;--errbg:#42161a;--okbg:#0f2d1a;
--gpu:#0c2d48;--nic:#2f1a3d;--cpu:#21262d;--pci:#1b2027;--nvs:#1f3a5f;--net:#3d1a2c;
--p-kernels:#3a6bc4;--p-alloc:#6a5bd0;--p-bootstrap:#b07a12;--p-allgathers:#2f8f7f;--p-topo:#4f8a35;--p-graphs:#2f7a7a;--p-connections:#a4466e;--p-rest:#59616b}}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--fg)}
body{margin:0 auto;max-width:1240px;overflow-wrap:break-word;padding:16px 20px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
h1{font-size:22px;margin:0 0 6px}h2{font-size:18px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}h3{font-size:15px;margin:0 0 6px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.muted{color:var(--muted)}.small{font-size:12px}.nowrap{white-space:nowrap}
.tone-ok{color:var(--ok)}.tone-warn{color:var(--warn)}.tone-error{color:var(--error)}.tone-accent{color:var(--accent)}.tone-muted{color:var(--muted)}
.verdict code{font-size:14px;font-weight:600;padding:4px 8px;border-radius:6px;display:inline-block;white-space:pre-wrap;word-break:break-word}
.verdict.tone-ok code{background:var(--okbg)}.verdict.tone-warn code{background:var(--warnbg)}.verdict.tone-error code{background:var(--errbg)}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;border:1px solid var(--line)}
.badge.sev-error{background:var(--errbg);color:var(--error)}.badge.sev-warn{background:var(--warnbg);color:var(--warn)}.badge.sev-info{background:var(--panel);color:var(--accent)}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}.facts dt{color:var(--muted)}.facts dd{margin:0;word-break:break-word}
.steps{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:4px}.steps li{padding:2px 8px;border:1px solid var(--line);border-radius:4px;background:var(--panel)}.steps li.current{font-weight:600}
.notice{padding:6px 10px;background:var(--warnbg);border-radius:6px}
.toc ul{display:flex;flex-wrap:wrap;gap:4px 14px;padding:0;margin:6px 0;list-style:none}.toc a{color:var(--accent);text-decoration:none}.toc a.sev-error{color:var(--error)}.toc a.sev-warn{color:var(--warn)}
.scroll{overflow-x:auto;max-width:100%}
table.grid{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
table.grid caption,.tcap{text-align:left;color:var(--muted);font-size:12.5px;padding:2px 0;margin:10px 0 0}
table.grid th,table.grid td{border:1px solid var(--line);padding:3px 7px;text-align:left;vertical-align:top}
table.grid th{background:var(--panel);font-weight:600}
table.matrix td{white-space:nowrap}
.logline{white-space:pre-wrap;word-break:break-all}
.finding{border:1px solid var(--line);border-left:4px solid var(--muted);border-radius:6px;padding:10px 12px;margin:10px 0;background:var(--bg)}
.finding.sev-error{border-left-color:var(--error)}.finding.sev-warn{border-left-color:var(--warn)}.finding.sev-info{border-left-color:var(--accent)}
.finding .subject{font-weight:700}.finding .message{margin:4px 0 8px}
.finding table.evidence{width:100%}
.hosts{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
figure.host{margin:0;border:1px solid var(--line);border-radius:8px;padding:8px;max-width:100%;width:fit-content;background:var(--panel)}figure.host>p{width:0;min-width:100%}
figure.host figcaption{margin-bottom:4px}
.tiles{list-style:none;padding:0;margin:8px 0;display:grid;grid-template-columns:repeat(auto-fill,minmax(120px,1fr));gap:4px}
.tile{border:1px solid var(--line);border-radius:4px;padding:3px 6px;font-size:12px;background:var(--panel);overflow:hidden}
.tile b{display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.tile span{color:var(--muted)}
.tile.tone-warn{border-color:var(--warn);background:var(--warnbg)}.tile.tone-error{border-color:var(--error);background:var(--errbg)}.tile.tone-odd{border-color:var(--accent);border-style:dashed}
.legend{color:var(--muted)}.lg{display:inline-block;width:22px;height:10px;vertical-align:middle;border-radius:2px;margin:0 2px 0 8px}
.lg-used{border-top:3px solid var(--accent);height:0}.lg-unused{border-top:1.5px dashed var(--muted);height:0}
.lg-gdr-on{border-top:2px dashed var(--ok);height:0}.lg-gdr-off{border-top:2px dashed var(--error);height:0}.lg-gdr-tcp{border-top:2px dotted var(--muted);height:0}
.lg-open{background:repeating-linear-gradient(45deg,var(--warn) 0 2px,transparent 2px 5px);border:1px solid var(--warn)}.lg-fail{border-left:2px dashed var(--error);width:0;height:12px}
.lg.p-kernels{background:var(--p-kernels)}.lg.p-alloc{background:var(--p-alloc)}.lg.p-bootstrap{background:var(--p-bootstrap)}.lg.p-allgathers{background:var(--p-allgathers)}.lg.p-topo{background:var(--p-topo)}.lg.p-graphs{background:var(--p-graphs)}.lg.p-connections{background:var(--p-connections)}.lg.p-rest{background:var(--p-rest)}
svg text{fill:var(--fg);font:11px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
svg .nlabel{font-weight:700;font-size:11.5px}svg .nsub,svg .tick,svg .elabel{font-size:10px;fill:var(--muted)}
svg .elabel{paint-order:stroke;stroke:var(--panel);stroke-width:3px}
svg .node rect{stroke:var(--line);stroke-width:1.2;fill:var(--panel)}
svg .k-gpu rect{fill:var(--gpu)}svg .k-nic rect{fill:var(--nic)}svg .k-net rect{fill:var(--net)}svg .k-cpu rect{fill:var(--cpu)}svg .k-pci rect{fill:var(--pci)}svg .k-nvs rect{fill:var(--nvs)}
svg .node.tone-warn rect{stroke:var(--warn);stroke-width:2.5}svg .node.tone-error rect{stroke:var(--error);stroke-width:2.5}svg .node.tone-ok rect{stroke:var(--ok)}
svg .nnote{font-size:9.5px;font-weight:600}svg .nnote.tone-warn{fill:var(--warn)}svg .nnote.tone-error{fill:var(--error)}
svg .link path{fill:none;stroke:var(--muted)}
svg .link.unused path{stroke-width:1.2;stroke-dasharray:4 3;opacity:.7}
svg .link.used path{stroke:var(--accent);stroke-width:3}
svg .link.used.t-nvl path,svg .link.used.t-nvb path{stroke:var(--ok)}
svg .gdr path{fill:none;stroke-width:1.6;stroke-dasharray:5 3}svg .gdr-on path{stroke:var(--ok)}svg .gdr-off path{stroke:var(--error)}svg .gdr-tcp path{stroke:var(--muted);stroke-dasharray:2 3}
svg .glabel{font-size:10px;font-weight:600;paint-order:stroke;stroke:var(--panel);stroke-width:3px}svg .gdr-on .glabel{fill:var(--ok)}svg .gdr-off .glabel{fill:var(--error)}svg .gdr-tcp .glabel{fill:var(--muted)}
svg .hostbox rect{fill:var(--panel);stroke:var(--line);stroke-width:1.2}svg .hostbox.tone-warn rect{stroke:var(--warn);stroke-width:2.5}svg .hostbox.tone-error rect{stroke:var(--error);stroke-width:2.5}
svg .xlink path{fill:none;stroke-width:2.5;stroke:var(--accent)}svg .xlink.tone-warn path{stroke:var(--warn)}svg .xlink.tone-ok path{stroke:var(--ok)}
svg.cluster .elabel{stroke:var(--bg)}
svg .axis{stroke:var(--muted)}svg .breakbg{fill:var(--bg)}svg .sep{stroke:var(--line)}
svg .rlabel{font-size:11px}svg .glabel-pod{font-weight:700;font-size:12px}svg .small-svg{font-size:10px}
svg .row.tone-warn .rlabel{fill:var(--warn);font-weight:700}svg .row.tone-error .rlabel{fill:var(--error);font-weight:700}
svg .bar .base{fill:var(--p-rest);stroke:var(--line)}svg .bar.tone-ok .base{fill:var(--ok);opacity:.55}svg .bar.tone-warn .base{fill:var(--warn)}svg .bar.tone-error .base{fill:var(--error)}
svg .bar.tone-warn .base,svg .bar.tone-error .base{stroke:var(--fg);stroke-width:1}
svg .part{stroke:var(--bg);stroke-width:.5}
svg .p-kernels{fill:var(--p-kernels)}svg .p-alloc{fill:var(--p-alloc)}svg .p-bootstrap{fill:var(--p-bootstrap)}svg .p-allgathers{fill:var(--p-allgathers)}svg .p-topo{fill:var(--p-topo)}svg .p-graphs{fill:var(--p-graphs)}svg .p-connections{fill:var(--p-connections)}svg .p-rest{fill:var(--p-rest)}
svg .halo{paint-order:stroke;stroke:var(--bg);stroke-width:4px}svg .wait{stroke:var(--warn);stroke-width:1.5;stroke-dasharray:4 3}svg .hatch{fill:var(--warn);opacity:.5}
svg .inbar{font-size:10.5px;font-weight:600;fill:#000}svg .note{font-size:10.5px;font-weight:700}svg .note.tone-warn{fill:var(--warn)}svg .note.tone-error{fill:var(--error)}svg .note.tone-ok{fill:var(--ok)}
svg .bar.missing rect{fill:none;stroke:var(--warn);stroke-width:1.5;stroke-dasharray:5 3}svg .bar.missing text{fill:var(--warn);font-weight:700}
svg .fail .mark{font-size:13px;font-weight:700}svg .fail.tone-error text{fill:var(--error)}svg .fail.tone-warn text{fill:var(--warn)}
svg .firstfail line{stroke:var(--error);stroke-width:1.5;stroke-dasharray:6 3}svg .firstfail text{fill:var(--error);font-weight:700}
svg text.tone-warn{fill:var(--warn)}svg text.tone-error{fill:var(--error)}svg text.tone-ok{fill:var(--ok)}
svg .phase rect{fill:var(--p-rest);fill-opacity:.5;stroke:var(--line)}svg .ph-nccl-init rect{fill:var(--p-kernels)}svg .ph-initialized rect{fill:var(--p-topo)}svg .ph-loading-weights rect{fill:var(--p-alloc)}svg .ph-profiling rect{fill:var(--p-allgathers)}svg .ph-capturing-graphs rect{fill:var(--p-graphs)}svg .ph-serving rect,svg .ph-completed rect{fill:var(--ok)}svg .ph-failed rect{fill:var(--error)}
svg.spark polyline{fill:none;stroke:var(--accent);stroke-width:1.8}
@media (max-width:600px){body{padding:10px}.nowrap{white-space:normal}
.finding{padding:8px}table.evidence thead{display:none}table.evidence,table.evidence tbody,table.evidence tr{display:block;width:100%}table.evidence tr{border-top:1px solid var(--line);padding:3px 0}table.evidence td{display:inline-block;border:none;padding:1px 6px 1px 0;color:var(--muted)}table.evidence td:last-child{display:block;color:var(--fg)}
h1{font-size:18px}.facts{grid-template-columns:1fr}.facts dt{margin-top:4px}table.grid{font-size:12px}}
@page{margin:12mm}
@media print{
:root{--bg:#fff;--fg:#000;--muted:#444;--line:#bbb;--panel:#fff}
html,body{background:#fff;color:#000}body{max-width:none;padding:0;font-size:10.5pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.toc{display:none}.scroll{overflow:visible}
svg.topo,svg.timeline,svg.cluster{max-width:100%;height:auto}
figure.host{break-inside:avoid;background:#fff}.finding{break-inside:avoid}h2{break-after:avoid}
table.grid{font-size:9pt}a{color:inherit;text-decoration:none}
}
`;
