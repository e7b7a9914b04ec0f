// The main navigation: which pages exist, who sees them, and whether they are built yet.
import type { Role } from "../bindings";

export type PageId = "counter" | "today" | "review" | "closing" | "sync" | "report" | "settings";

export interface NavItem {
  id: PageId;
  label: string;
  /** Roles that see the page. */
  roles: Role[];
  /** Shown on pages whose capability is not built yet, instead of pretending. */
  notBuilt?: string;
}

export const NAV: NavItem[] = [
  { id: "counter", label: "现场确认", roles: ["counter", "supervisor"] },
  { id: "today", label: "今日确认", roles: ["counter", "supervisor"] },
  { id: "review", label: "审核任务", roles: ["supervisor"] },
  { id: "sync", label: "同步", roles: ["counter", "supervisor"] },
  { id: "closing", label: "日结", roles: ["supervisor"] },
  { id: "report", label: "报表", roles: ["supervisor"] },
  { id: "settings", label: "设置", roles: ["counter", "supervisor"] },
];

export function navFor(role: Role): NavItem[] {
  return NAV.filter((n) => n.roles.includes(role));
}
