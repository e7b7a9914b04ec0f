import { describe, expect, it } from "vitest";
import { changePasswordProblem, loginFormProblem } from "../src/logic/login";
import { navFor, NAV } from "../src/logic/nav";
import { isDeskError, staffMessage } from "../src/logic/errors";

describe("login form", () => {
  it("asks for the staff id first, then the password", () => {
    expect(loginFormProblem({ staffId: " ", password: "" })).toBe("请输入工号");
    expect(loginFormProblem({ staffId: "S001", password: "" })).toBe("请输入密码");
    expect(loginFormProblem({ staffId: "S001", password: "x" })).toBeNull();
  });
});

describe("the password change a reset forces", () => {
  const form = (oldPassword: string, newPassword: string, repeat = newPassword) => changePasswordProblem({ oldPassword, newPassword, repeat });
  it("applies the core's rules before asking it", () => {
    expect(form("", "new-password-1")).toBe("请输入原密码");
    expect(form("chongzhi-2026", "short")).toBe("新密码至少 8 位");
    expect(form("chongzhi-2026", "chongzhi-2026")).toBe("新密码不能与原密码相同");
    expect(form("chongzhi-2026", "shouli-2027", "shouli-2028")).toBe("两次输入的新密码不一致");
    expect(form("chongzhi-2026", "shouli-2027")).toBeNull();
  });
});

describe("navigation", () => {
  it("shows counter staff only their pages", () => {
    const ids = navFor("counter").map((n) => n.id);
    expect(ids).toEqual(["counter", "today", "sync", "settings"]);
  });
  it("shows supervisors everything, in order", () => {
    expect(navFor("supervisor").map((n) => n.label)).toEqual(["现场确认", "今日确认", "审核任务", "同步", "日结", "报表", "设置"]);
  });
  it("labels every page in Chinese", () => {
    for (const n of NAV) expect(n.label).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe("error messages", () => {
  it("shows the core's Chinese message", () => {
    const e = { code: "BAD_CREDENTIALS", message: "工号或密码错误", detail: "wrong" };
    expect(isDeskError(e)).toBe(true);
    expect(staffMessage(e)).toBe("工号或密码错误");
  });
  it("never shows raw English for unknown failures", () => {
    expect(staffMessage(new Error("socket hang up"))).not.toMatch(/socket/);
    expect(staffMessage("boom")).toMatch(/操作失败/);
  });
});

import { queryKind, queryProblem } from "../src/logic/search";

describe("search queries", () => {
  it("tells a name prefix, an id-number tail and a 报名号 apart", () => {
    expect(queryKind("王")).toBe("name");
    expect(queryKind("王\u{2A6A5}")).toBe("name");
    expect(queryKind("\u{2A6A5}")).toBe("name");
    expect(queryKind("0037")).toBe("id_tail");
    expect(queryKind("07003X")).toBe("id_tail");
    expect(queryKind("123")).toBeNull();
    expect(queryKind("R2027010200001")).toBe("registration_id");
    expect(queryKind("2027010200001")).toBe("registration_id");
    expect(queryProblem(" ")).toMatch(/请输入/);
    expect(queryProblem("12")).toMatch(/无法识别/);
  });
});

import { byHour } from "../src/logic/stats";

describe("charts", () => {
  it("counts confirmations per office hour, revoked ones left out", () => {
    const row = (at: string, state = "pending") => ({ confirmed_at: at, state }) as never;
    const { hours, counts } = byHour([row("2026-11-22T09:10:00+08:00"), row("2026-11-22T09:50:00+08:00"), row("2026-11-22T14:00:00+08:00", "revoked"), row("2026-11-22T07:00:00+08:00")]);
    expect(hours[0]).toBe("08");
    expect(counts[1]).toBe(2);
    expect(counts.reduce((a, b) => a + b)).toBe(2);
  });
});
