// One view per route. Pages a role may not see are not routed to; the core checks again.
import { createRouter, createWebHashHistory, type RouteRecordRaw } from "vue-router";
import { NAV } from "./logic/nav";
import { useSessionStore } from "./stores/session";
import LoginView from "./views/LoginView.vue";
import MainLayout from "./views/MainLayout.vue";
import CounterView from "./views/CounterView.vue";

const pages: Record<string, RouteRecordRaw["component"]> = {
  counter: CounterView,
  today: () => import("./views/TodayView.vue"),
  sync: () => import("./views/SyncView.vue"),
  review: () => import("./views/ReviewView.vue"),
  closing: () => import("./views/ClosingView.vue"),
  report: () => import("./views/ReportView.vue"),
  settings: () => import("./views/SettingsView.vue"),
};
const notBuilt = () => import("./views/NotBuiltView.vue");

export const routes: RouteRecordRaw[] = [
  { path: "/login", name: "login", component: LoginView },
  {
    path: "/",
    component: MainLayout,
    redirect: "/counter",
    children: NAV.map((n) => ({ path: n.id, name: n.id, component: pages[n.id] ?? notBuilt, meta: { roles: n.roles, nav: n } })),
  },
  { path: "/:rest(.*)*", redirect: "/counter" },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

router.beforeEach(async (to) => {
  const store = useSessionStore();
  const s = await store.restore();
  if (!s) return to.name === "login" ? true : { name: "login" };
  if (to.name === "login") return { name: "counter" };
  const roles = to.meta.roles as string[] | undefined;
  if (roles && !roles.includes(s.role)) return { name: "counter" };
  return true;
});
