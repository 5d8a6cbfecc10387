// Messages for the geo part of the pages. zh-CN first; every key has its English twin (the type makes a missing one an error).

export const zh = {
} as const;

export const en: Record<keyof typeof zh, string> = {
};
