// What a search box query means, so the box can say what it will look for before asking the core.
export type QueryKind = "id_tail" | "registration_id" | "name" | null;

/** Last 4–6 characters of an id number (digits, the last may be X), a 报名号, or a name prefix. */
export function queryKind(raw: string): QueryKind {
  const q = raw.trim();
  if (q === "") return null;
  if (/^\d{3,5}[\dXx]$/.test(q)) return "id_tail";
  if (/^[A-Za-z]\d{6,}$/.test(q) || /^\d{10,}$/.test(q)) return "registration_id";
  // A name prefix: one character is enough (rare characters included; any non-ASCII letter counts).
  if (/^[^\s\d]+$/u.test(q)) return "name";
  return null;
}

export const QUERY_KIND_LABEL: Record<Exclude<QueryKind, null>, string> = {
  id_tail: "按身份证号后几位",
  registration_id: "按报名号",
  name: "按姓名开头",
};

export function queryProblem(raw: string): string | null {
  if (raw.trim() === "") return "请输入姓名、身份证号后 4–6 位或报名号";
  if (queryKind(raw) === null) return "无法识别：请输入姓名、身份证号后 4–6 位或报名号";
  return null;
}
