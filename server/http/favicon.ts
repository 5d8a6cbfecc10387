// The site icon: a video camera on the office blue, so a tab or a home-screen shortcut is recognisable.
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<rect width="64" height="64" rx="14" fill="#0f2d5c"/>
<rect x="10" y="20" width="32" height="24" rx="5" fill="#fff"/>
<path d="M44 28l11-7v22l-11-7z" fill="#fff"/>
<circle cx="26" cy="32" r="6" fill="#0f2d5c"/>
</svg>
`;
