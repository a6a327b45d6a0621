// @ts-check
// 领导驾驶舱: a static page over the read API (/api/v1). Plain ES modules, no build step; this file
// only wires them: each tab, the header and the login box is a module of its own.

import { auth, createApi, isUnauthorized, reasonOf, takeKeyFromHash } from './api.js';
import { createCatalog } from './catalog.js';
import { createDataQuality } from './dataQuality.js';
import { createDetail } from './detail.js';
import { emptyState, errorState, h } from './dom.js';
import { createDownloadExport, wireExportMenu } from './exports.js';
import { asOfText, formatWithUnit, nf, periodName } from './format.js';
import { ensureLabels } from './labels.js';
import { createLiveUpdates } from './liveUpdates.js';
import { createLogin } from './login.js';
import { createOverview } from './overview.js';
import { createPoints } from './points.js';
import { createProfiles } from './profile.js';
import { createReports } from './reports.js';
import { createScorecard } from './scorecard.js';
import { createStatus, startClock } from './status.js';
import { createTabs } from './tabs.js';

const { api, download } = createApi({ onUnauthorized: (err) => login.expired(err) });
const downloadExport = createDownloadExport(download, '/exports');

const login = createLogin({
  start,
  stop() {
    status.stop();
    live.stop();
  },
  clear() {
    detail.close();
    overview.clear();
  },
});

startClock();
const status = createStatus({ api, onStoreMoved: () => overview.refreshIfStale() });
const live = createLiveUpdates({
  url: 'api/v1/stream',
  key: () => auth.key,
  onKpis: (ids) => {
    overview.applyChanges(ids).then(() => detail.refresh(ids));
  },
  onWarnings: () => overview.applyWarningChange(),
});

const { selectTab } = createTabs((tab) => {
  if (tab.id === 'tab-scorecard') scorecard.loadIfEmpty();
  if (tab.id === 'tab-quality') dataQuality.load();
  if (tab.id === 'tab-points' && !document.querySelector('#points table')) points.load();
  if (tab.id === 'tab-reports') reports.load();
});

// 一企一档 (entity profiles)
const profiles = createProfiles({ api, h, selectTab, downloadExport, emptyState, errorState, reasonOf, formatWithUnit, nf, periodName, asOfText, isUnauthorized });

const catalog = createCatalog({ api });
const detail = createDetail({ api, catalog, entityLink: profiles.entityLink });
const scorecard = createScorecard({ api });
const overview = createOverview({ api, catalog, openDetail: (id) => detail.open(id), onKpis: (kpis) => scorecard.fillLeadUnits(kpis) });
const dataQuality = createDataQuality({ api, h, emptyState, errorState, nf });
const points = createPoints({ api, h, emptyState, errorState, nf, entityLink: profiles.entityLink, downloadExport });
// 监测评估报告 (periodic assessment reports)
const reports = createReports({ api, h, emptyState, errorState, asOfText, download: createDownloadExport(download, '/reports') });

wireExportMenu(downloadExport, 'sc-export-toggle', 'sc-export-status', scorecard.exportRequest);
wireExportMenu(downloadExport, 'detail-export-toggle', 'detail-export-status', detail.exportRequest);

async function start() {
  if (!auth.key) {
    const pending = login.requireLogin();
    if (!pending) return;
    await pending;
  }
  login.signedIn();
  // The labels come before the screens that name codes; a failure shows on the overview (with 重试).
  await ensureLabels(api).catch(() => {});
  status.start();
  live.start();
  profiles.route();
  await overview.load();
}

takeKeyFromHash();
start();
