// The shell: first-run setup, then the header, navigation (F2/F3) and the screens. Each
// screen has an address (hash routing, so it works from app:// and the loopback page
// alike): a reload keeps the screen. Server state lives in TanStack Query (state/query.ts).
import { useCallback, useEffect, useState } from 'react';
import { QueryClientProvider } from '@tanstack/react-query';
import { Router, useLocation } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { queryClient } from './state/query';
import { usePushedChanges } from './state/push';
import { routeFromPath, routePath, type Route } from './routes';
import type { UnitSettings } from '../../shared/domain/types';
import { vnParts } from '../../shared/domain/vnTime';
import { api } from './api';
import { ErrorBoundary } from './components/ErrorBoundary';
import { SaveStatusProvider, useSaveStatus } from './saveStatus';
import { SetupScreen } from './screens/Setup';
import { IntakeScreen } from './screens/Intake';
import { DossierListScreen, type ListState } from './screens/DossierList';
import { DossierDetailScreen } from './screens/DossierDetail';
import { CatalogueScreen } from './screens/Catalogue';
import { HolidaysScreen } from './screens/Holidays';
import { GuidanceListScreen } from './screens/GuidanceList';
import { ScanFolderSetting } from './capture/ScanFolderSetting';
import { ReviewScreen } from './pages/ReviewScreen';
import { SyncIndicator } from './sync/SyncIndicator';
import { SyncScreen } from './sync/SyncScreen';
import { useSyncStatus } from './sync/useSyncStatus';
import type { SyncStatus } from '../../shared/ipc/sync';

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <Router hook={useHashLocation}>
        <SaveStatusProvider>
          <ErrorBoundary>
            <Shell />
          </ErrorBoundary>
        </SaveStatusProvider>
      </Router>
    </QueryClientProvider>
  );
}

function Shell() {
  const [settings, setSettings] = useState<UnitSettings | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [location, navigate] = useLocation();
  const route = routeFromPath(location);
  const [listState, setListState] = useState<ListState | null>(null);
  // Bumped to remount the intake screen for a new dossier.
  const [intakeKey, setIntakeKey] = useState(0);
  const sync = useSyncStatus();
  usePushedChanges();

  const load = useCallback(async () => {
    setLoadError(null);
    const r = await api['app.info']({});
    if (r.ok) setSettings(r.value.settings);
    else setLoadError(r.error.message);
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const go = useCallback(
    (r: Route) => {
      navigate(routePath(r));
    },
    [navigate],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!settings) return;
      if (e.key === 'F2') {
        e.preventDefault();
        go({ name: 'intake' });
      } else if (e.key === 'F3') {
        e.preventDefault();
        go({ name: 'list' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [settings, go]);

  if (loadError) {
    return (
      <div className="center-screen">
        <div className="panel error-panel" role="alert" data-testid="load-error">
          <h2>Không mở được dữ liệu</h2>
          <p>{loadError}</p>
          <button type="button" className="btn primary" onClick={() => void load()}>
            Thử lại
          </button>
        </div>
      </div>
    );
  }
  if (settings === undefined) {
    return (
      <div className="center-screen" data-testid="loading">
        <p className="muted">Đang mở dữ liệu…</p>
      </div>
    );
  }
  if (settings === null) {
    return (
      <div className="center-screen setup-screen">
        <SetupScreen initial={null} onSaved={(s) => setSettings(s)} />
      </div>
    );
  }

  return (
    <div className="app">
      <Header settings={settings} route={route} go={go} syncStatus={sync.status} />
      <main className="main" data-testid={`screen-${route.name}`}>
        <ErrorBoundary key={route.name + ('id' in route ? route.id : '')} onReset={() => go({ name: route.name === 'detail' ? 'list' : route.name } as Route)}>
          {route.name === 'intake' && <IntakeScreen key={intakeKey} settings={settings} onNew={() => setIntakeKey((k) => k + 1)} onOpenDossier={(id) => go({ name: 'detail', id })} />}
          {route.name === 'list' && <DossierListScreen initial={listState} onState={setListState} onOpen={(id) => go({ name: 'detail', id })} />}
          {route.name === 'detail' && <DossierDetailScreen id={route.id} onBack={() => go({ name: 'list' })} />}
          {route.name === 'catalogue' && <CatalogueScreen />}
          {route.name === 'holidays' && <HolidaysScreen />}
          {route.name === 'review' && <ReviewScreen onOpenDossier={(id) => go({ name: 'detail', id })} />}
          {route.name === 'guidance' && <GuidanceListScreen />}
          {route.name === 'sync' && <SyncScreen status={sync.status} refresh={sync.refresh} onOpenDossier={(id) => go({ name: 'detail', id })} />}
          {route.name === 'settings' && (
            <div className="settings-wrap">
              <SetupScreen
                initial={settings}
                onSaved={(s) => {
                  setSettings(s);
                  go({ name: 'intake' });
                }}
              />
              <ScanFolderSetting />
            </div>
          )}
        </ErrorBoundary>
      </main>
    </div>
  );
}

const NAV: { route: Route['name']; label: string; key?: string }[] = [
  { route: 'intake', label: 'Tiếp nhận', key: 'F2' },
  { route: 'list', label: 'Danh sách hồ sơ', key: 'F3' },
  { route: 'review', label: 'Chờ duyệt' },
  // The Mẫu 02 slips (phiếu hướng dẫn) of every counter of the unit; a short label: the header is full.
  { route: 'guidance', label: 'Mẫu 02' },
  { route: 'catalogue', label: 'Danh mục thủ tục' },
  { route: 'holidays', label: 'Ngày nghỉ' },
];

function Header({ settings, route, go, syncStatus }: { settings: UnitSettings; route: Route; go: (r: Route) => void; syncStatus: SyncStatus | null }) {
  const active = route.name === 'detail' ? 'list' : route.name;
  return (
    <header className="header">
      <div className="brand">
        <div className="brand-parent">{settings.parentName}</div>
        <div className="brand-unit" data-testid="unit-name">
          {settings.unitName}
        </div>
      </div>
      <nav className="nav" aria-label="Chức năng">
        {NAV.map((n) => (
          <button
            key={n.route}
            type="button"
            className={`nav-item${active === n.route ? ' active' : ''}`}
            aria-current={active === n.route ? 'page' : undefined}
            data-testid={`nav-${n.route}`}
            onClick={() => go({ name: n.route } as Route)}
          >
            {n.label}
            {n.key ? <kbd>{n.key}</kbd> : null}
          </button>
        ))}
      </nav>
      {/* Two short rows, so the six screens' names keep their room at 1366 px. */}
      <div className="header-right">
        <div className="header-row">
          <SyncIndicator status={syncStatus} active={route.name === 'sync'} onOpen={() => go({ name: 'sync' })} />
          <button type="button" className="clerk" data-testid="clerk-name" title="Cài đặt đơn vị" onClick={() => go({ name: 'settings' })}>
            <span className="muted">Cán bộ:</span> {settings.clerkName}
          </button>
        </div>
        <SavedIndicator />
      </div>
    </header>
  );
}

function SavedIndicator() {
  const { state } = useSaveStatus();
  let text = 'Chưa có thay đổi';
  let cls = 'idle';
  if (state.kind === 'saving') {
    text = `Đang lưu ${state.what}…`;
    cls = 'saving';
  } else if (state.kind === 'saved') {
    const p = vnParts(state.at);
    const t = [p.hour, p.minute, p.second].map((n) => String(n).padStart(2, '0')).join(':');
    text = `Đã lưu ${state.what} lúc ${t}`;
    cls = 'saved';
  } else if (state.kind === 'error') {
    text = `Chưa lưu được ${state.what}: ${state.message}`;
    cls = 'error';
  }
  return (
    <div className={`saved-indicator ${cls}`} data-testid="saved-indicator" data-state={state.kind} role="status" aria-live="polite">
      <span className="dot" aria-hidden="true" />
      {text}
    </div>
  );
}
